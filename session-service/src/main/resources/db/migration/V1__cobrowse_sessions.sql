-- Co-browsing sessions. A session is live while its state is not ENDED; an ended session stays as it
-- is (it is never reopened), so the partial indexes below only ever constrain live sessions.
CREATE TABLE cobrowse_session (
    id                      UUID        PRIMARY KEY,
    code                    TEXT        NOT NULL CHECK (code ~ '^[1-9][0-9]{8}$'),
    state                   TEXT        NOT NULL CHECK (state IN ('WAITING', 'ACTIVE', 'ENDED')),
    end_reason              TEXT,
    agent_id                TEXT        NOT NULL,
    chat_id                 TEXT        NOT NULL,
    site_id                 TEXT        NOT NULL,
    tenant                  TEXT        NOT NULL,
    mode                    TEXT        NOT NULL CHECK (mode IN ('VIEW_ONLY', 'SHARED')),
    invite_id               TEXT        NOT NULL,
    visitor_credential_hash TEXT        NOT NULL CHECK (visitor_credential_hash ~ '^[0-9a-f]{64}$'),
    visitor_present         BOOLEAN     NOT NULL DEFAULT FALSE,
    agent_present           BOOLEAN     NOT NULL DEFAULT FALSE,
    visitor_joined_at       TIMESTAMPTZ,
    agent_joined_at         TIMESTAMPTZ,
    created_at              TIMESTAMPTZ NOT NULL,
    activated_at            TIMESTAMPTZ,
    ended_at                TIMESTAMPTZ,
    CONSTRAINT cobrowse_session_ended_has_reason
        CHECK ((state = 'ENDED') = (end_reason IS NOT NULL AND ended_at IS NOT NULL)),
    CONSTRAINT cobrowse_session_active_was_joined
        CHECK (state <> 'ACTIVE' OR (visitor_joined_at IS NOT NULL AND agent_joined_at IS NOT NULL))
);

-- One invite opens at most one session, whatever happens to the event that carried it.
CREATE UNIQUE INDEX cobrowse_session_invite ON cobrowse_session (invite_id);

-- One live session per agent.
CREATE UNIQUE INDEX cobrowse_session_live_agent ON cobrowse_session (agent_id) WHERE state <> 'ENDED';

-- A display code is unique among live sessions (it may be drawn again once a session has ended).
CREATE UNIQUE INDEX cobrowse_session_live_code ON cobrowse_session (code) WHERE state <> 'ENDED';

-- The visitor's tag finds its session by the hash of its invite credential.
CREATE INDEX cobrowse_session_credential ON cobrowse_session (visitor_credential_hash);
