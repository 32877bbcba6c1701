-- Administrative units, cultural houses and coverage reports (DESIGN.md §3).
-- Timestamps are UTC text 'YYYY-MM-DDTHH:MM:SSZ' in both dialects so the same queries run on both.

CREATE TABLE admin_unit (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES admin_unit (id),
    level       TEXT NOT NULL CHECK (level IN ('country', 'province', 'district', 'commune', 'village')),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    boundary    TEXT,
    min_lon     REAL,
    min_lat     REAL,
    max_lon     REAL,
    max_lat     REAL,
    valid_from  TEXT NOT NULL DEFAULT '1900-01-01',
    valid_to    TEXT,
    CONSTRAINT admin_unit_code_unique UNIQUE (code),
    CONSTRAINT admin_unit_validity CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX admin_unit_parent ON admin_unit (parent_id);
CREATE INDEX admin_unit_level ON admin_unit (level);

CREATE TABLE operator (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE cultural_house (
    id                INTEGER PRIMARY KEY,
    village_id        INTEGER NOT NULL REFERENCES admin_unit (id),
    name              TEXT NOT NULL,
    lon               REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat               REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    wifi_status       TEXT NOT NULL DEFAULT 'none'
                      CHECK (wifi_status IN ('none', 'planned', 'installing', 'active', 'broken')),
    wifi_provider     TEXT REFERENCES operator (code),
    bandwidth_mbps    REAL CHECK (bandwidth_mbps IS NULL OR bandwidth_mbps >= 0),
    installed_at      TEXT,
    last_verified_at  TEXT,
    updated_at        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cultural_house_village ON cultural_house (village_id);
CREATE INDEX cultural_house_position ON cultural_house (lon, lat);

CREATE TABLE coverage_report (
    id           INTEGER PRIMARY KEY,
    village_id   INTEGER NOT NULL REFERENCES admin_unit (id),
    operator     TEXT NOT NULL REFERENCES operator (code),
    technology   TEXT NOT NULL CHECK (technology IN ('2G', '3G', '4G', '5G', 'FTTH')),
    quality      TEXT NOT NULL CHECK (quality IN ('none', 'weak', 'fair', 'good')),
    source       TEXT NOT NULL DEFAULT 'operator' CHECK (source IN ('operator', 'field')),
    area         TEXT,
    reported_at  TEXT NOT NULL,
    reported_by  TEXT
);
CREATE INDEX coverage_report_latest ON coverage_report (village_id, operator, technology, reported_at);

-- Facts about the data set as a whole, e.g. ('dataset', 'demo') while demo data is loaded,
-- so the UI can say so in its footer.
CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
