-- Hardening (issue 22): known devices for sign-in throttling, sessions that end with a disabled account.
--
-- Browsers that signed into an account before ("known devices", OWASP's device cookies): their
-- failed attempts are counted apart from everyone else's, so an attacker who guesses at an
-- account locks out the unknown devices only, never its owner's phone. Only a hash of the
-- cookie's token is kept.
CREATE TABLE login_device (
    token_hash    TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT NOT NULL
);
CREATE INDEX login_device_username ON login_device (username);

-- Grows when an account is disabled: browser sessions are bound to the password hash and this
-- number, so a disabled account's sessions end for good instead of resuming when it is enabled.
ALTER TABLE app_user ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- Money in đồng needs 64 bits: a gift of three billion đồng does not fit a 32-bit INTEGER (SQLite's
-- INTEGER always had 64).
ALTER TABLE pledge ALTER COLUMN value_vnd TYPE BIGINT;
