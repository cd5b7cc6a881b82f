-- The current configuration of each site. The editable part is one JSON document so that a save is
-- all-or-nothing; every save bumps the version.
CREATE TABLE site_config (
    site_id     TEXT        PRIMARY KEY,
    tenant      TEXT        NOT NULL,
    version     BIGINT      NOT NULL,
    enabled     BOOLEAN     NOT NULL,
    document    TEXT        NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT        NOT NULL
);

CREATE INDEX site_config_tenant ON site_config (tenant);
