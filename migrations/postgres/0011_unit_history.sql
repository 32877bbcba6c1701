-- Administrative units over time (issue 19). A reorganisation ends units (`valid_to`) and
-- creates others; a unit that keeps its code through one ("Thị trấn Kim Tân 15187" → "Xã Kim Tân
-- 15187") is two rows, one code over two periods: a code is unique per `valid_from`, and only one
-- unit per code is current (no `valid_to`). `successor_id` names the unit an ended one merged
-- into; villages that moved keep their row (and everything recorded in them) and remember the
-- parent of each earlier period in `admin_unit_former_parent`.
ALTER TABLE admin_unit DROP CONSTRAINT admin_unit_code_unique;
ALTER TABLE admin_unit ADD CONSTRAINT admin_unit_version_unique UNIQUE (code, valid_from);
CREATE UNIQUE INDEX admin_unit_current_code ON admin_unit (code) WHERE valid_to IS NULL;
-- Kind within the level: xa, phuong, thi_tran (communes); thon, ban, khu_pho, to_dan_pho (villages).
ALTER TABLE admin_unit ADD COLUMN unit_type TEXT;
ALTER TABLE admin_unit ADD COLUMN successor_id BIGINT REFERENCES admin_unit (id);
CREATE INDEX admin_unit_successor ON admin_unit (successor_id);
-- The decisions that established and ended the unit, e.g. "1686/NQ-UBTVQH15 Điều 1 khoản 104".
ALTER TABLE admin_unit ADD COLUMN established_by TEXT;
ALTER TABLE admin_unit ADD COLUMN ended_by TEXT;

-- The parent a unit had before it moved, for each earlier period [valid_from, valid_to).
CREATE TABLE admin_unit_former_parent (
    unit_id     BIGINT NOT NULL REFERENCES admin_unit (id),
    parent_id   BIGINT NOT NULL REFERENCES admin_unit (id),
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
    min_lon     DOUBLE PRECISION NOT NULL,
    min_lat     DOUBLE PRECISION NOT NULL,
    max_lon     DOUBLE PRECISION NOT NULL,
    max_lat     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (code, valid_from)
);
