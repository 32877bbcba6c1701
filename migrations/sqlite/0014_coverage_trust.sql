-- Coverage you can trust (issue 20): what phones measured on the doorstep, the operators' answers
-- to a disagreement between what they declare and what was measured, and when a declaration was
-- last confirmed. Timestamps are UTC text 'YYYY-MM-DDTHH:MM:SSZ' as everywhere else.

-- One measurement by a phone (a speed test, or a tap on "no signal here"), stored once per the
-- phone's UUID like visits. `quality` is derived by the application from the figures (see
-- domain::coverage::measured) so that every reader compares like with like.
CREATE TABLE measurement (
    id             INTEGER PRIMARY KEY,
    client_uuid    TEXT NOT NULL,
    village_id     INTEGER NOT NULL REFERENCES admin_unit (id),
    operator       TEXT NOT NULL REFERENCES operator (code),
    network_type   TEXT NOT NULL CHECK (network_type IN ('5G', '4G', '3G', '2G', 'none')),
    no_signal      INTEGER NOT NULL CHECK (no_signal IN (0, 1)),
    latency_ms     REAL CHECK (latency_ms IS NULL OR latency_ms >= 0),
    download_kbps  REAL CHECK (download_kbps IS NULL OR download_kbps >= 0),
    upload_kbps    REAL CHECK (upload_kbps IS NULL OR upload_kbps >= 0),
    quality        TEXT NOT NULL CHECK (quality IN ('none', 'weak', 'fair', 'good')),
    lon            REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    lat            REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    accuracy_m     REAL CHECK (accuracy_m IS NULL OR accuracy_m >= 0),
    measured_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    CONSTRAINT measurement_client_uuid_unique UNIQUE (client_uuid),
    CONSTRAINT measurement_position_whole CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX measurement_village_operator ON measurement (village_id, operator, measured_at);

-- Requests counted per key and window, for limits on costly routes (the speed test), shared by
-- every app server.
CREATE TABLE request_throttle (
    key             TEXT PRIMARY KEY,
    requests        INTEGER NOT NULL,
    window_started  INTEGER NOT NULL
);

-- An operator's answer to a disagreement in one village; the latest answer given after the
-- declaration in force is the one that counts. History kept.
CREATE TABLE coverage_answer (
    id           INTEGER PRIMARY KEY,
    village_id   INTEGER NOT NULL REFERENCES admin_unit (id),
    operator     TEXT NOT NULL REFERENCES operator (code),
    answer       TEXT NOT NULL CHECK (answer IN ('acknowledged', 'will_fix', 'disagree', 'fixed')),
    fix_by       TEXT,
    reason       TEXT,
    report_id    INTEGER REFERENCES coverage_report (id),
    answered_by  TEXT NOT NULL,
    answered_at  TEXT NOT NULL,
    CONSTRAINT coverage_answer_fix_by CHECK ((answer = 'will_fix') = (fix_by IS NOT NULL)),
    CONSTRAINT coverage_answer_reason CHECK (answer <> 'disagree' OR reason IS NOT NULL),
    CONSTRAINT coverage_answer_report CHECK ((answer = 'fixed') = (report_id IS NOT NULL))
);
CREATE INDEX coverage_answer_village_operator ON coverage_answer (village_id, operator, answered_at);

-- When the operator last said a declaration still holds (NULL: never since it was made).
ALTER TABLE coverage_report ADD COLUMN confirmed_at TEXT;
