-- Invites. One row per invitation; the visitor's credential is never stored, only its SHA-256 (hex).
CREATE TABLE invite (
    id              UUID         PRIMARY KEY,
    tenant          TEXT         NOT NULL,
    agent_id        VARCHAR(128) NOT NULL,
    chat_id         VARCHAR(128) NOT NULL,
    site_id         VARCHAR(128) NOT NULL,
    mode            VARCHAR(16)  NOT NULL CHECK (mode IN ('VIEW_ONLY', 'SHARED')),
    message         VARCHAR(500),
    state           VARCHAR(16)  NOT NULL CHECK (state IN ('PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED')),
    credential_hash CHAR(64)     NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    expires_at      TIMESTAMPTZ  NOT NULL,
    closed_at       TIMESTAMPTZ,
    CONSTRAINT invite_credential_hash_unique UNIQUE (credential_hash),
    CONSTRAINT invite_closed_when_final CHECK ((state = 'PENDING') = (closed_at IS NULL))
);

-- At most one pending invite per agent, whoever asks and however many replicas race: the service
-- maps a violation of this index to 409 invite-pending.
CREATE UNIQUE INDEX invite_one_pending_per_agent ON invite (agent_id) WHERE state = 'PENDING';

-- The expiry sweeper's scan.
CREATE INDEX invite_pending_by_expiry ON invite (expires_at) WHERE state = 'PENDING';

-- Idempotency-Key of POST /api/invites, per tenant: a retried request returns the invite the first one
-- created. The key row is written first in the creating transaction (the invite follows), hence the
-- deferred foreign key. Rows older than invite.idempotency.retention are deleted by the sweeper.
CREATE TABLE idempotency_key (
    tenant              TEXT        NOT NULL,
    idem_key            TEXT        NOT NULL,
    request_fingerprint CHAR(64)    NOT NULL,
    invite_id           UUID        NOT NULL REFERENCES invite (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    created_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, idem_key)
);

CREATE INDEX idempotency_key_by_age ON idempotency_key (created_at);
