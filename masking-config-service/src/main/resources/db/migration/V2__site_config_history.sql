-- Every saved version of a site, for the history and for restoring one. The current version stays in
-- site_config too (one row read on save, no max() over the history).
CREATE TABLE site_config_version (
    site_id        TEXT        NOT NULL REFERENCES site_config (site_id),
    version        BIGINT      NOT NULL,
    enabled        BOOLEAN     NOT NULL,
    document       TEXT        NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    updated_by     TEXT        NOT NULL,
    restored_from  BIGINT,
    PRIMARY KEY (site_id, version)
);

INSERT INTO site_config_version (site_id, version, enabled, document, updated_at, updated_by)
SELECT site_id, version, enabled, document, updated_at, updated_by FROM site_config;
