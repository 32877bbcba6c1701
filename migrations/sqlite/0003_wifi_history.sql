-- Every state a cultural house's Wi-Fi has had: one row per version, written in the same
-- transaction as the change, so the timeline can never miss or invent a step.
CREATE TABLE wifi_change (
    id                 INTEGER PRIMARY KEY,
    cultural_house_id  INTEGER NOT NULL REFERENCES cultural_house (id) ON DELETE CASCADE,
    version            INTEGER NOT NULL,
    wifi_status        TEXT NOT NULL,
    wifi_provider      TEXT,
    bandwidth_mbps     REAL,
    installed_at       TEXT,
    last_verified_at   TEXT,
    changed_at         TEXT NOT NULL,
    changed_by         TEXT NOT NULL,
    CONSTRAINT wifi_change_version_unique UNIQUE (cultural_house_id, version)
);
