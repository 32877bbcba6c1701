-- A visit can be corrected after it reached the server (people helped, skills, outcomes, note).
-- `version` guards those edits: a phone sends the version it last saw (If-Match) and a stale one
-- is refused, so two corrections never silently overwrite each other.
ALTER TABLE visit ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE visit ADD COLUMN updated_by TEXT;
ALTER TABLE visit ADD COLUMN updated_at TEXT;
