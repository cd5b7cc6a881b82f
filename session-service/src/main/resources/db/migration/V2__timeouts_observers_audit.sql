-- Timeouts: each live session keeps the absolute instants at which it ends unless something happens first.
-- They are computed when the event that starts the wait is applied (SessionDeadlines in the domain package)
-- and stored, so a restart loses none; due_at, the earliest of them, is what the sweeper looks at.
ALTER TABLE cobrowse_session
    ADD COLUMN origin                TEXT        NOT NULL DEFAULT 'INVITE'
        CHECK (origin IN ('INVITE', 'VISITOR_REQUEST')),
    ADD COLUMN observers_present     INTEGER     NOT NULL DEFAULT 0 CHECK (observers_present >= 0),
    ADD COLUMN join_deadline         TIMESTAMPTZ,
    ADD COLUMN inactivity_deadline   TIMESTAMPTZ,
    ADD COLUMN visitor_away_deadline TIMESTAMPTZ,
    ADD COLUMN agent_away_deadline   TIMESTAMPTZ,
    ADD COLUMN due_at                TIMESTAMPTZ GENERATED ALWAYS AS
        (LEAST(join_deadline, inactivity_deadline, visitor_away_deadline, agent_away_deadline)) STORED;

-- The sweeper's question: which live sessions are due? (FOR UPDATE SKIP LOCKED over this index)
CREATE INDEX cobrowse_session_due ON cobrowse_session (due_at) WHERE state <> 'ENDED' AND due_at IS NOT NULL;

-- A chat that ends ends its sessions.
CREATE INDEX cobrowse_session_chat ON cobrowse_session (chat_id) WHERE state <> 'ENDED';

-- Supervisors list their tenant's live sessions.
CREATE INDEX cobrowse_session_tenant_live ON cobrowse_session (tenant, created_at) WHERE state <> 'ENDED';

-- An accepted invite (or visitor request) whose agent was already in a live session: no session was opened.
-- Kept so that the visitor's tag is told so (409 agent-busy) instead of waiting for a session forever.
CREATE TABLE refused_opening (
    invite_id               TEXT        PRIMARY KEY,
    visitor_credential_hash TEXT        NOT NULL CHECK (visitor_credential_hash ~ '^[0-9a-f]{64}$'),
    agent_id                TEXT        NOT NULL,
    chat_id                 TEXT        NOT NULL,
    tenant                  TEXT        NOT NULL,
    busy_session_id         UUID        NOT NULL,
    refused_at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX refused_opening_credential ON refused_opening (visitor_credential_hash);

-- The audit trail of a session, kept after it ended. Never page content, input or pointer data: only who
-- came and went, the mode, page addresses without query string and fragment, refused action types, the end.
CREATE TABLE session_audit (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id   UUID        NOT NULL REFERENCES cobrowse_session (id),
    at           TIMESTAMPTZ NOT NULL,
    kind         TEXT        NOT NULL CHECK (kind IN ('CREATED', 'JOINED', 'LEFT', 'MODE_CHANGED', 'PAGE_VISITED',
                                                      'ACTION_REFUSED', 'ENDED')),
    role         TEXT        CHECK (role IN ('VISITOR', 'AGENT', 'OBSERVER')),
    mode         TEXT        CHECK (mode IN ('VIEW_ONLY', 'SHARED')),
    url          TEXT        CHECK (length(url) <= 2048),
    message_type TEXT        CHECK (length(message_type) <= 64),
    reason       TEXT        CHECK (length(reason) <= 200)
);
CREATE INDEX session_audit_session ON session_audit (session_id, id);
