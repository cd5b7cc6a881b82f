-- The agent group an invite was made for (the site config's modes map: group -> allowed modes).
ALTER TABLE invite ADD COLUMN agent_group VARCHAR(128) NOT NULL DEFAULT 'default';

-- Projection of the compacted topic tandem.site-config: only what invite-service decides with. A record
-- replaces the row only when its version is newer, so replays and duplicates change nothing.
CREATE TABLE site_config (
    site_id    VARCHAR(255) PRIMARY KEY,
    tenant     TEXT         NOT NULL,
    version    BIGINT       NOT NULL,
    enabled    BOOLEAN      NOT NULL,
    modes      TEXT         NOT NULL, -- JSON object: agent group -> list of allowed modes
    updated_at TIMESTAMPTZ  NOT NULL
);

-- Projection of tandem.session-events: which sessions exist, whose they are, and which are live. An agent
-- with a live session is busy. The visitor credential hash and agent group come from the invite or visitor
-- request that created the session (SessionCreated.inviteId), looked up here when the session is created.
CREATE TABLE tracked_session (
    session_id              TEXT         PRIMARY KEY,
    agent_id                TEXT,
    tenant                  TEXT,
    chat_id                 TEXT,
    site_id                 TEXT,
    mode                    VARCHAR(16)  CHECK (mode IN ('VIEW_ONLY', 'SHARED')),
    origin_id               TEXT,
    agent_group             VARCHAR(128),
    visitor_credential_hash CHAR(64),
    live                    BOOLEAN      NOT NULL,
    created_at              TIMESTAMPTZ,
    ended_at                TIMESTAMPTZ
);

CREATE INDEX tracked_session_live_by_agent ON tracked_session (agent_id) WHERE live;
CREATE INDEX tracked_session_by_visitor_credential ON tracked_session (visitor_credential_hash);

-- The credential a chat platform issues for a chat so that the visitor's page can ask for help. Only its
-- SHA-256 is stored; issuing a new one for the same chat replaces the old one.
CREATE TABLE chat_credential (
    tenant          TEXT         NOT NULL,
    chat_id         VARCHAR(128) NOT NULL,
    site_id         VARCHAR(128) NOT NULL,
    credential_hash CHAR(64)     NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    expires_at      TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (tenant, chat_id),
    CONSTRAINT chat_credential_hash_unique UNIQUE (credential_hash)
);

-- Visitor-initiated requests for help. The visitor holds a per-request credential (only its hash here).
CREATE TABLE visitor_request (
    id              UUID         PRIMARY KEY,
    tenant          TEXT         NOT NULL,
    chat_id         VARCHAR(128) NOT NULL,
    site_id         VARCHAR(128) NOT NULL,
    state           VARCHAR(16)  NOT NULL CHECK (state IN ('PENDING', 'ACCEPTED', 'EXPIRED')),
    credential_hash CHAR(64)     NOT NULL,
    agent_id        VARCHAR(128),
    agent_group     VARCHAR(128),
    mode            VARCHAR(16)  CHECK (mode IN ('VIEW_ONLY', 'SHARED')),
    created_at      TIMESTAMPTZ  NOT NULL,
    expires_at      TIMESTAMPTZ  NOT NULL,
    closed_at       TIMESTAMPTZ,
    CONSTRAINT visitor_request_credential_hash_unique UNIQUE (credential_hash),
    CONSTRAINT visitor_request_closed_when_final CHECK ((state = 'PENDING') = (closed_at IS NULL)),
    CONSTRAINT visitor_request_accepted_has_agent CHECK ((state = 'ACCEPTED') = (agent_id IS NOT NULL))
);

-- At most one pending request per chat (409 request-pending), decided by the database under races.
CREATE UNIQUE INDEX visitor_request_one_pending_per_chat ON visitor_request (tenant, chat_id) WHERE state = 'PENDING';
CREATE INDEX visitor_request_pending_by_expiry ON visitor_request (expires_at) WHERE state = 'PENDING';
CREATE INDEX visitor_request_pending_by_tenant ON visitor_request (tenant, created_at) WHERE state = 'PENDING';

-- The agent's requests to go from view-only to shared during a session, answered by the visitor.
CREATE TABLE mode_request (
    id          UUID         PRIMARY KEY,
    session_id  TEXT         NOT NULL,
    tenant      TEXT         NOT NULL,
    agent_id    VARCHAR(128) NOT NULL,
    mode        VARCHAR(16)  NOT NULL CHECK (mode IN ('VIEW_ONLY', 'SHARED')),
    state       VARCHAR(16)  NOT NULL CHECK (state IN ('PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED')),
    created_at  TIMESTAMPTZ  NOT NULL,
    expires_at  TIMESTAMPTZ  NOT NULL,
    closed_at   TIMESTAMPTZ,
    CONSTRAINT mode_request_closed_when_final CHECK ((state = 'PENDING') = (closed_at IS NULL))
);

-- At most one pending mode request per session (409 mode-request-pending).
CREATE UNIQUE INDEX mode_request_one_pending_per_session ON mode_request (session_id) WHERE state = 'PENDING';
CREATE INDEX mode_request_pending_by_expiry ON mode_request (expires_at) WHERE state = 'PENDING';
CREATE INDEX mode_request_by_session ON mode_request (session_id, created_at);
