-- Accounts, scopes, sessions, login throttling, API tokens and the audit trail.

CREATE TABLE app_user (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL
                         CHECK (role IN ('admin', 'leader', 'commune_officer', 'team_member', 'telecom')),
    operator             TEXT REFERENCES operator (code),
    created_at           TEXT NOT NULL,
    password_changed_at  TEXT NOT NULL,
    disabled_at          TEXT,
    CONSTRAINT app_user_username_unique UNIQUE (username),
    -- A telecom account acts for exactly one operator; no other role acts for one.
    CONSTRAINT app_user_operator_matches_role CHECK ((role = 'telecom') = (operator IS NOT NULL))
);

-- The administrative units a user may act in; a unit covers everything below it.
CREATE TABLE user_scope (
    user_id        INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    admin_unit_id  INTEGER NOT NULL REFERENCES admin_unit (id),
    PRIMARY KEY (user_id, admin_unit_id)
);

-- tower-sessions records, shared by every app server on the same database.
CREATE TABLE session (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX session_expiry ON session (expires_at);

-- Failed logins per key ('account:NAME' or 'ip:ADDR') within the current window.
CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL,
    window_started   INTEGER NOT NULL
);

-- Bearer tokens for integrations; each acts as its (telecom) user. Only a hash is kept.
CREATE TABLE api_token (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    token_prefix  TEXT NOT NULL,
    created_by    INTEGER REFERENCES app_user (id),
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT,
    CONSTRAINT api_token_hash_unique UNIQUE (token_hash)
);

-- Every write: who, when, what, before and after (JSON text).
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    occurred_at  TEXT NOT NULL,
    actor        TEXT NOT NULL,
    user_id      INTEGER REFERENCES app_user (id) ON DELETE SET NULL,
    token_id     INTEGER REFERENCES api_token (id) ON DELETE SET NULL,
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, occurred_at);
