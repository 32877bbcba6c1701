-- "Chắp cánh công nghệ" (seed §IV.7): donors, their pledges, each commune's stock of donated
-- devices, the allocation of a device to a household, and its handover recorded on a phone.
--
-- The stock counts are kept in the database and always add up: every device received is either
-- available, allocated to a household (awaiting handover) or delivered. The domain layer moves one
-- device at a time with a conditional UPDATE in the same transaction as the allocation row; the
-- CHECK constraints below refuse any write that would break the sum or go below zero, whoever
-- makes it.

-- Whether the household owns a smartphone: 1 yes, 0 no, NULL not asked. Households flagged as
-- needing support (poor, near-poor, …) with 0 here are eligible for a donated device.
ALTER TABLE household ADD COLUMN has_smartphone INTEGER CHECK (has_smartphone IS NULL OR has_smartphone IN (0, 1));

CREATE TABLE donor (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('organisation', 'business', 'individual')),
    name        TEXT NOT NULL,
    -- Private: shown to officers and admins only, never in public or leaders' answers.
    contact     TEXT,
    -- 1: public views say "Nhà hảo tâm ẩn danh" instead of the name.
    anonymous   INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE pledge (
    id           INTEGER PRIMARY KEY,
    donor_id     INTEGER NOT NULL REFERENCES donor (id),
    commune_id   INTEGER NOT NULL REFERENCES admin_unit (id),
    item         TEXT NOT NULL CHECK (item IN ('smartphone', 'tablet', 'laptop', 'sim_data', 'other', 'money')),
    quantity     INTEGER CHECK (quantity IS NULL OR quantity BETWEEN 1 AND 100000),
    condition    TEXT CHECK (condition IS NULL OR condition IN ('new', 'refurbished')),
    value_vnd    INTEGER CHECK (value_vnd IS NULL OR value_vnd >= 0),
    note         TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pledged', 'received')),
    pledged_at   TEXT NOT NULL,
    received_at  TEXT,
    created_by   TEXT NOT NULL,
    -- Money is a value, devices are counted things in a condition.
    CONSTRAINT pledge_shape CHECK (
        (item = 'money' AND quantity IS NULL AND condition IS NULL AND value_vnd IS NOT NULL)
        OR (item <> 'money' AND quantity IS NOT NULL AND condition IS NOT NULL)),
    CONSTRAINT pledge_received_dated CHECK ((status = 'received') = (received_at IS NOT NULL))
);
CREATE INDEX pledge_commune ON pledge (commune_id);

CREATE TABLE device_stock (
    commune_id  INTEGER NOT NULL REFERENCES admin_unit (id),
    item        TEXT NOT NULL CHECK (item IN ('smartphone', 'tablet', 'laptop', 'sim_data', 'other')),
    received    INTEGER NOT NULL DEFAULT 0,
    available   INTEGER NOT NULL DEFAULT 0,
    allocated   INTEGER NOT NULL DEFAULT 0,
    delivered   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (commune_id, item),
    CONSTRAINT device_stock_not_negative CHECK (available >= 0 AND allocated >= 0 AND delivered >= 0),
    CONSTRAINT device_stock_adds_up CHECK (received = available + allocated + delivered)
);

-- A photo of a handover, compressed on the phone and uploaded before the handover record names it.
CREATE TABLE handover_photo (
    uuid          TEXT PRIMARY KEY,
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes         BLOB NOT NULL,
    width         INTEGER NOT NULL CHECK (width BETWEEN 1 AND 4096),
    height        INTEGER NOT NULL CHECK (height BETWEEN 1 AND 4096),
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL
);

CREATE TABLE allocation (
    id              INTEGER PRIMARY KEY,
    commune_id      INTEGER NOT NULL,
    item            TEXT NOT NULL,
    household_id    INTEGER NOT NULL REFERENCES household (id),
    village_id      INTEGER NOT NULL REFERENCES admin_unit (id),
    status          TEXT NOT NULL CHECK (status IN ('allocated', 'delivered', 'cancelled')),
    allocated_by    TEXT NOT NULL,
    allocated_at    TEXT NOT NULL,
    -- The handover, as the team member's phone recorded it (its UUID makes the sync idempotent).
    handover_uuid   TEXT,
    delivered_at    TEXT,
    serial          TEXT,
    photo_uuid      TEXT REFERENCES handover_photo (uuid),
    lon             REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    lat             REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    accuracy_m      REAL CHECK (accuracy_m IS NULL OR accuracy_m >= 0),
    -- 1 when the team member then showed the household how to use the device; `visit_uuid` names
    -- the visit recorded for that guidance, if any.
    guided          INTEGER CHECK (guided IS NULL OR guided IN (0, 1)),
    visit_uuid      TEXT,
    handed_over_by  TEXT,
    cancelled_at    TEXT,
    FOREIGN KEY (commune_id, item) REFERENCES device_stock (commune_id, item),
    CONSTRAINT allocation_handover_unique UNIQUE (handover_uuid),
    CONSTRAINT allocation_delivered_whole CHECK (
        (status = 'delivered') = (handover_uuid IS NOT NULL AND delivered_at IS NOT NULL AND guided IS NOT NULL)),
    CONSTRAINT allocation_position_whole CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX allocation_village ON allocation (village_id, status);
-- A household waits for at most one device of a kind at a time.
CREATE UNIQUE INDEX allocation_open_once ON allocation (household_id, item) WHERE status = 'allocated';
