-- Households and the door-to-door visits of the community digital tech teams (DESIGN.md §3).
-- Records made on a phone carry the phone's UUID (`client_uuid`): the sync endpoint stores each
-- one once however often it is sent. Personal data is kept minimal: a household has a label
-- (e.g. "Hộ ông A, xóm 3"), no identity numbers.

CREATE TABLE household (
    id               INTEGER PRIMARY KEY,
    client_uuid      TEXT NOT NULL,
    village_id       INTEGER NOT NULL REFERENCES admin_unit (id),
    label            TEXT NOT NULL,
    lon              REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    lat              REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    accuracy_m       REAL CHECK (accuracy_m IS NULL OR accuracy_m >= 0),
    poor             INTEGER NOT NULL DEFAULT 0 CHECK (poor IN (0, 1)),
    near_poor        INTEGER NOT NULL DEFAULT 0 CHECK (near_poor IN (0, 1)),
    ethnic_minority  INTEGER NOT NULL DEFAULT 0 CHECK (ethnic_minority IN (0, 1)),
    elderly          INTEGER NOT NULL DEFAULT 0 CHECK (elderly IN (0, 1)),
    disability       INTEGER NOT NULL DEFAULT 0 CHECK (disability IN (0, 1)),
    adults           INTEGER CHECK (adults IS NULL OR adults BETWEEN 0 AND 100),
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT household_client_uuid_unique UNIQUE (client_uuid),
    CONSTRAINT household_position_whole CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX household_village ON household (village_id);

CREATE TABLE visit (
    id                      INTEGER PRIMARY KEY,
    client_uuid             TEXT NOT NULL,
    household_id            INTEGER NOT NULL REFERENCES household (id),
    village_id              INTEGER NOT NULL REFERENCES admin_unit (id),
    visited_at              TEXT NOT NULL,
    lon                     REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    lat                     REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    accuracy_m              REAL CHECK (accuracy_m IS NULL OR accuracy_m >= 0),
    people_helped           INTEGER NOT NULL CHECK (people_helped BETWEEN 0 AND 100),
    -- Comma-separated skill codes (vneid_install, vneid_level2, banking_qr, public_services,
    -- health_services, online_safety, ecommerce, other), checked by the application.
    skills                  TEXT NOT NULL,
    -- 1 yes, 0 no, NULL not asked.
    vneid_activated         INTEGER CHECK (vneid_activated IS NULL OR vneid_activated IN (0, 1)),
    bank_account_opened     INTEGER CHECK (bank_account_opened IS NULL OR bank_account_opened IN (0, 1)),
    note                    TEXT,
    -- 1 when the GPS position lies outside the village's (or commune's) boundary: accepted, but
    -- shown to the commune officer to check.
    outside_area            INTEGER NOT NULL DEFAULT 0 CHECK (outside_area IN (0, 1)),
    -- The phone's network where the visit was recorded (Network Information API), when offered:
    -- the field-measured ("đo thực tế") layer beside the operators' claims.
    network_type            TEXT CHECK (network_type IS NULL OR network_type IN ('slow-2g', '2g', '3g', '4g')),
    network_downlink_mbps   REAL CHECK (network_downlink_mbps IS NULL OR network_downlink_mbps >= 0),
    recorded_by             TEXT NOT NULL,
    received_at             TEXT NOT NULL,
    CONSTRAINT visit_client_uuid_unique UNIQUE (client_uuid),
    CONSTRAINT visit_position_whole CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX visit_household ON visit (household_id);
CREATE INDEX visit_village_time ON visit (village_id, visited_at);
