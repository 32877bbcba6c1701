-- Administrative units over time (issue 19). A reorganisation ends units (`valid_to`) and
-- creates others; a unit that keeps its code through one ("Thị trấn Kim Tân 15187" → "Xã Kim Tân
-- 15187") is two rows, one code over two periods: a code is unique per `valid_from`, and only one
-- unit per code is current (no `valid_to`). `successor_id` names the unit an ended one merged
-- into; villages that moved keep their row (and everything recorded in them) and remember the
-- parent of each earlier period in `admin_unit_former_parent`.
--
-- SQLite cannot drop a table's UNIQUE constraint, so the table is rebuilt (SQLite's documented
-- procedure: copy, drop, rename; `Db::migrate` runs migrations with foreign keys off and checks
-- every reference afterwards).
CREATE TABLE admin_unit_versioned (
    id            INTEGER PRIMARY KEY,
    parent_id     INTEGER REFERENCES admin_unit (id),
    level         TEXT NOT NULL CHECK (level IN ('country', 'province', 'district', 'commune', 'village')),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    boundary      TEXT,
    min_lon       REAL,
    min_lat       REAL,
    max_lon       REAL,
    max_lat       REAL,
    valid_from    TEXT NOT NULL DEFAULT '1900-01-01',
    valid_to      TEXT,
    -- Kind within the level: xa, phuong, thi_tran (communes); thon, ban, khu_pho, to_dan_pho (villages).
    unit_type     TEXT,
    successor_id  INTEGER REFERENCES admin_unit (id),
    -- The decisions that established and ended the unit, e.g. "1686/NQ-UBTVQH15 Điều 1 khoản 104".
    established_by TEXT,
    ended_by      TEXT,
    CONSTRAINT admin_unit_version_unique UNIQUE (code, valid_from),
    CONSTRAINT admin_unit_validity CHECK (valid_to IS NULL OR valid_to > valid_from)
);
INSERT INTO admin_unit_versioned (id, parent_id, level, code, name, boundary, min_lon, min_lat, max_lon, max_lat,
                                  valid_from, valid_to)
SELECT id, parent_id, level, code, name, boundary, min_lon, min_lat, max_lon, max_lat, valid_from, valid_to
FROM admin_unit;
DROP TABLE admin_unit;
ALTER TABLE admin_unit_versioned RENAME TO admin_unit;
CREATE INDEX admin_unit_parent ON admin_unit (parent_id);
CREATE INDEX admin_unit_level ON admin_unit (level);
CREATE UNIQUE INDEX admin_unit_current_code ON admin_unit (code) WHERE valid_to IS NULL;
CREATE INDEX admin_unit_successor ON admin_unit (successor_id);

-- The parent a unit had before it moved, for each earlier period [valid_from, valid_to).
CREATE TABLE admin_unit_former_parent (
    unit_id     INTEGER NOT NULL REFERENCES admin_unit (id),
    parent_id   INTEGER NOT NULL REFERENCES admin_unit (id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    PRIMARY KEY (unit_id, valid_to),
    CONSTRAINT admin_unit_former_parent_period CHECK (valid_to > valid_from)
);

-- A boundary imported for a unit that a reorganisation has not created yet (the feature's
-- `valid_from` is later than the current unit of its code): kept until the reorganisation
-- creates that unit, which then takes it.
CREATE TABLE admin_unit_pending_boundary (
    code        TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    name        TEXT NOT NULL,
    boundary    TEXT NOT NULL,
    min_lon     REAL NOT NULL,
    min_lat     REAL NOT NULL,
    max_lon     REAL NOT NULL,
    max_lat     REAL NOT NULL,
    PRIMARY KEY (code, valid_from)
);
