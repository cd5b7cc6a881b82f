-- The demo brand site of the local stack and the end-to-end tests ("Harbour Insurance").
-- Only applied where quarkus.flyway.locations includes db/demo.
INSERT INTO site_config (site_id, tenant, version, enabled, document, updated_at, updated_by)
VALUES ('demo-insurer', 'demo', 1, TRUE,
        '{"allowedOrigins":["http://localhost:8090"],'
        || '"rules":[{"kind":"MASK","selector":".secret","note":"internal reference numbers"}],'
        || '"appearance":{"borderColor":"#f5a623","highlightColor":"#ffd400","matchViewport":true},'
        || '"modes":{"default":["VIEW_ONLY","SHARED"]},'
        || '"detectors":{"cardNumbers":true,"usSsn":true}}',
        now(), 'seed')
ON CONFLICT (site_id) DO NOTHING;
