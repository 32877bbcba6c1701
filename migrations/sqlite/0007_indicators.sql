-- Leaders' dashboard. Targets default to the plan's (in code, app/src/indicators.rs); a row here
-- is an admin's change for one indicator and year, everywhere (`unit_code` '*') or for one commune.
CREATE TABLE indicator_target (
    id          INTEGER PRIMARY KEY,
    indicator   TEXT NOT NULL,
    year        INTEGER NOT NULL CHECK (year BETWEEN 2020 AND 2100),
    unit_code   TEXT NOT NULL,
    percent     REAL NOT NULL CHECK (percent BETWEEN 0 AND 100),
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CONSTRAINT indicator_target_unique UNIQUE (indicator, year, unit_code)
);

-- Figures the app does not record (schools, offices, enterprises), entered by commune officers
-- per commune and quarter; the latest quarter of a year is that year's actual.
CREATE TABLE indicator_report (
    id             INTEGER PRIMARY KEY,
    indicator      TEXT NOT NULL,
    admin_unit_id  INTEGER NOT NULL REFERENCES admin_unit (id),
    period         TEXT NOT NULL,
    numerator      REAL NOT NULL CHECK (numerator >= 0),
    denominator    REAL NOT NULL CHECK (denominator > 0),
    note           TEXT,
    entered_by     TEXT NOT NULL,
    entered_at     TEXT NOT NULL,
    CONSTRAINT indicator_report_share CHECK (numerator <= denominator),
    CONSTRAINT indicator_report_unique UNIQUE (indicator, admin_unit_id, period)
);
