-- Kept figures (issue 21). The leaders' answers (indicators, priorities, progress, the map's
-- village layers) read counts kept up to date as data is written, instead of recounting millions
-- of households and visits per request. Every count is kept by triggers, so no code path can
-- forget one, and a figure is never older than the write that changed it.
--
-- What is kept, per village and quarter (`village_quarter`), as the change during that quarter:
-- households listed and their adults (at `created_at`), households visited and households helped
-- (at their first visit, or their first visit that helped someone, and not before they were
-- listed), VNeID activations and visits flagged outside their area (at the visit), cultural
-- houses known to the Wi-Fi history and working (at each Wi-Fi change). A figure at the end of a
-- quarter is the sum of the changes up to it.
--
-- The same changes are kept per unit of the time (`unit_quarter`, the village's commune when
-- the change counted): a village that moves to another commune in a reorganisation takes its
-- figures along from the day it moves (the old commune's count falls, the new one's rises), and
-- a retired village's figures leave its commune the day it is retired. So the figures of the
-- communes of 2025-Q2 are those they had then, whatever happened later, and today's communes
-- carry what their villages brought. A change recorded late (a phone that synced a visit of
-- June in August) counts for the commune the village belonged to in June and moves along with
-- the village from then on. People helped per recorder (`recorder_*_quarter`) are kept the same
-- way for the digital ambassadors indicator. `village_now` holds each village's current totals
-- (and its cultural houses by Wi-Fi state, operators' good mobile claims, devices given) for the
-- priority list and the map's village layers.
--
-- Changes go through two functions (`figure_change`, `recorder_change`): one place knows how a
-- change of a village reaches its communes.
-- A bulk load (the benchmarks' national data set) sets `app_meta` key `figures_paused`, then
-- rebuilds everything at once (`domain::figures::rebuild`), which is also the recount the tests
-- compare the kept figures with.

ALTER TABLE household ADD COLUMN first_visited_at TEXT;
ALTER TABLE household ADD COLUMN first_helped_at TEXT;
-- 1 while the household is eligible for a donated device and has none (`donations::eligible`).
ALTER TABLE household ADD COLUMN waiting_device BIGINT NOT NULL DEFAULT 0;
-- The village a Wi-Fi change counted in and what it changed (a house known from then, one more or
-- one fewer working), so that deleting or moving it takes back exactly what it added.
ALTER TABLE wifi_change ADD COLUMN village_id BIGINT REFERENCES admin_unit (id);
ALTER TABLE wifi_change ADD COLUMN known_change BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wifi_change ADD COLUMN active_change BIGINT NOT NULL DEFAULT 0;
CREATE INDEX visit_household_time ON visit (household_id, visited_at);
CREATE INDEX wifi_change_village ON wifi_change (village_id);

CREATE TABLE village_quarter (
    village_id    BIGINT NOT NULL REFERENCES admin_unit (id),
    quarter       TEXT NOT NULL,
    households    BIGINT NOT NULL DEFAULT 0,
    adults        BIGINT NOT NULL DEFAULT 0,
    visited       BIGINT NOT NULL DEFAULT 0,
    helped        BIGINT NOT NULL DEFAULT 0,
    vneid         BIGINT NOT NULL DEFAULT 0,
    flagged       BIGINT NOT NULL DEFAULT 0,
    houses_known  BIGINT NOT NULL DEFAULT 0,
    houses_active BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (village_id, quarter)
);
CREATE TABLE unit_quarter (
    unit_id       BIGINT NOT NULL REFERENCES admin_unit (id),
    quarter       TEXT NOT NULL,
    households    BIGINT NOT NULL DEFAULT 0,
    adults        BIGINT NOT NULL DEFAULT 0,
    visited       BIGINT NOT NULL DEFAULT 0,
    helped        BIGINT NOT NULL DEFAULT 0,
    vneid         BIGINT NOT NULL DEFAULT 0,
    flagged       BIGINT NOT NULL DEFAULT 0,
    houses_known  BIGINT NOT NULL DEFAULT 0,
    houses_active BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, quarter)
);
CREATE TABLE recorder_village_quarter (
    village_id    BIGINT NOT NULL REFERENCES admin_unit (id),
    recorder      TEXT NOT NULL,
    quarter       TEXT NOT NULL,
    visits        BIGINT NOT NULL DEFAULT 0,
    helped        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (village_id, recorder, quarter)
);
CREATE TABLE recorder_unit_quarter (
    unit_id       BIGINT NOT NULL REFERENCES admin_unit (id),
    recorder      TEXT NOT NULL,
    quarter       TEXT NOT NULL,
    visits        BIGINT NOT NULL DEFAULT 0,
    helped        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, recorder, quarter)
);
CREATE TABLE village_now (
    village_id        BIGINT PRIMARY KEY REFERENCES admin_unit (id),
    households        BIGINT NOT NULL DEFAULT 0,
    adults            BIGINT NOT NULL DEFAULT 0,
    visited           BIGINT NOT NULL DEFAULT 0,
    helped            BIGINT NOT NULL DEFAULT 0,
    vneid             BIGINT NOT NULL DEFAULT 0,
    flagged           BIGINT NOT NULL DEFAULT 0,
    houses            BIGINT NOT NULL DEFAULT 0,
    houses_active     BIGINT NOT NULL DEFAULT 0,
    houses_broken     BIGINT NOT NULL DEFAULT 0,
    houses_installing BIGINT NOT NULL DEFAULT 0,
    houses_planned    BIGINT NOT NULL DEFAULT 0,
    houses_none       BIGINT NOT NULL DEFAULT 0,
    good_mobile       BIGINT NOT NULL DEFAULT 0,
    devices_allocated BIGINT NOT NULL DEFAULT 0,
    devices_delivered BIGINT NOT NULL DEFAULT 0,
    devices_waiting   BIGINT NOT NULL DEFAULT 0
);

-- The quarter of a moment or day: '2025-07-01' → '2025-Q3'.
CREATE FUNCTION quarter_of(moment TEXT) RETURNS TEXT AS $$
    SELECT substr(moment, 1, 4) || '-Q' || ((CAST(substr(moment, 6, 2) AS INTEGER) + 2) / 3)
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION figure_change(c_village BIGINT, c_at TEXT, c_households BIGINT, c_adults BIGINT, c_visited BIGINT, c_helped BIGINT, c_vneid BIGINT, c_flagged BIGINT, c_houses_known BIGINT, c_houses_active BIGINT) RETURNS void AS $$
BEGIN
    INSERT INTO village_quarter AS kept (village_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    VALUES (c_village, quarter_of(c_at), c_households, c_adults, c_visited, c_helped, c_vneid, c_flagged, c_houses_known, c_houses_active)
    ON CONFLICT (village_id, quarter) DO UPDATE SET households = kept.households + excluded.households, adults = kept.adults + excluded.adults, visited = kept.visited + excluded.visited, helped = kept.helped + excluded.helped, vneid = kept.vneid + excluded.vneid, flagged = kept.flagged + excluded.flagged, houses_known = kept.houses_known + excluded.houses_known, houses_active = kept.houses_active + excluded.houses_active;
    -- The units the village belonged to from the change on: counted when it entered each, taken
    -- back when it left.
    INSERT INTO unit_quarter AS kept (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    SELECT period.parent_id, quarter_of(GREATEST(period.valid_from, c_at)), SUM(c_households), SUM(c_adults), SUM(c_visited), SUM(c_helped), SUM(c_vneid), SUM(c_flagged), SUM(c_houses_known), SUM(c_houses_active)
    FROM (SELECT f.parent_id, f.valid_from, f.valid_to FROM admin_unit_former_parent f WHERE f.unit_id = c_village
          UNION ALL
          SELECT v.parent_id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id), v.valid_from),
                 v.valid_to
          FROM admin_unit v WHERE v.id = c_village) AS period
    WHERE period.valid_to IS NULL OR period.valid_to > c_at
    GROUP BY 1, 2
    ON CONFLICT (unit_id, quarter) DO UPDATE SET households = kept.households + excluded.households, adults = kept.adults + excluded.adults, visited = kept.visited + excluded.visited, helped = kept.helped + excluded.helped, vneid = kept.vneid + excluded.vneid, flagged = kept.flagged + excluded.flagged, houses_known = kept.houses_known + excluded.houses_known, houses_active = kept.houses_active + excluded.houses_active;
    INSERT INTO unit_quarter AS kept (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    SELECT period.parent_id, quarter_of(period.valid_to), -SUM(c_households), -SUM(c_adults), -SUM(c_visited), -SUM(c_helped), -SUM(c_vneid), -SUM(c_flagged), -SUM(c_houses_known), -SUM(c_houses_active)
    FROM (SELECT f.parent_id, f.valid_from, f.valid_to FROM admin_unit_former_parent f WHERE f.unit_id = c_village
          UNION ALL
          SELECT v.parent_id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id), v.valid_from),
                 v.valid_to
          FROM admin_unit v WHERE v.id = c_village) AS period
    WHERE period.valid_to > c_at
    GROUP BY 1, 2
    ON CONFLICT (unit_id, quarter) DO UPDATE SET households = kept.households + excluded.households, adults = kept.adults + excluded.adults, visited = kept.visited + excluded.visited, helped = kept.helped + excluded.helped, vneid = kept.vneid + excluded.vneid, flagged = kept.flagged + excluded.flagged, houses_known = kept.houses_known + excluded.houses_known, houses_active = kept.houses_active + excluded.houses_active;
    INSERT INTO village_now AS kept (village_id, households, adults, visited, helped, vneid, flagged)
    VALUES (c_village, c_households, c_adults, c_visited, c_helped, c_vneid, c_flagged)
    ON CONFLICT (village_id) DO UPDATE SET households = kept.households + excluded.households, adults = kept.adults + excluded.adults, visited = kept.visited + excluded.visited, helped = kept.helped + excluded.helped, vneid = kept.vneid + excluded.vneid, flagged = kept.flagged + excluded.flagged;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION recorder_change(c_village BIGINT, c_recorder TEXT, c_at TEXT, c_visits BIGINT, c_helped BIGINT) RETURNS void AS $$
BEGIN
    INSERT INTO recorder_village_quarter AS kept (village_id, recorder, quarter, visits, helped)
    VALUES (c_village, c_recorder, quarter_of(c_at), c_visits, c_helped)
    ON CONFLICT (village_id, recorder, quarter) DO UPDATE SET visits = kept.visits + excluded.visits, helped = kept.helped + excluded.helped;
    INSERT INTO recorder_unit_quarter AS kept (unit_id, recorder, quarter, visits, helped)
    SELECT period.parent_id, c_recorder, quarter_of(GREATEST(period.valid_from, c_at)), SUM(c_visits), SUM(c_helped)
    FROM (SELECT f.parent_id, f.valid_from, f.valid_to FROM admin_unit_former_parent f WHERE f.unit_id = c_village
          UNION ALL
          SELECT v.parent_id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id), v.valid_from),
                 v.valid_to
          FROM admin_unit v WHERE v.id = c_village) AS period
    WHERE period.valid_to IS NULL OR period.valid_to > c_at
    GROUP BY 1, 2, 3
    ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = kept.visits + excluded.visits, helped = kept.helped + excluded.helped;
    INSERT INTO recorder_unit_quarter AS kept (unit_id, recorder, quarter, visits, helped)
    SELECT period.parent_id, c_recorder, quarter_of(period.valid_to), -SUM(c_visits), -SUM(c_helped)
    FROM (SELECT f.parent_id, f.valid_from, f.valid_to FROM admin_unit_former_parent f WHERE f.unit_id = c_village
          UNION ALL
          SELECT v.parent_id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id), v.valid_from),
                 v.valid_to
          FROM admin_unit v WHERE v.id = c_village) AS period
    WHERE period.valid_to > c_at
    GROUP BY 1, 2, 3
    ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = kept.visits + excluded.visits, helped = kept.helped + excluded.helped;
END;
$$ LANGUAGE plpgsql;

-- A village moved (its former parent is recorded first, see `reorganisation`), was put under
-- another commune by correction, retired or brought back: its current period's figures leave the
-- old parent and reach the new one from the day the period starts, and leave when it ends.
CREATE FUNCTION village_period_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.level = 'village' AND (OLD.parent_id IS DISTINCT FROM NEW.parent_id OR OLD.valid_to IS DISTINCT FROM NEW.valid_to)) THEN
        INSERT INTO unit_quarter AS kept (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
        SELECT OLD.parent_id, GREATEST(q.quarter, quarter_of(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from))), -SUM(q.households), -SUM(q.adults), -SUM(q.visited), -SUM(q.helped), -SUM(q.vneid), -SUM(q.flagged), -SUM(q.houses_known), -SUM(q.houses_active)
        FROM village_quarter q WHERE q.village_id = NEW.id
        GROUP BY 1, 2
        ON CONFLICT (unit_id, quarter) DO UPDATE SET households = kept.households + excluded.households, adults = kept.adults + excluded.adults, visited = kept.visited + excluded.visited, helped = kept.helped + excluded.helped, vneid = kept.vneid + excluded.vneid, flagged = kept.flagged + excluded.flagged, houses_known = kept.houses_known + excluded.houses_known, houses_active = kept.houses_active + excluded.houses_active;
        INSERT INTO unit_quarter AS kept (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
        SELECT OLD.parent_id, GREATEST(q.quarter, quarter_of(OLD.valid_to)), SUM(q.households), SUM(q.adults), SUM(q.visited), SUM(q.helped), SUM(q.vneid), SUM(q.flagged), SUM(q.houses_known), SUM(q.houses_active)
        FROM village_quarter q WHERE q.village_id = NEW.id AND OLD.valid_to IS NOT NULL
        GROUP BY 1, 2
        ON CONFLICT (unit_id, quarter) DO UPDATE SET households = kept.households + excluded.households, adults = kept.adults + excluded.adults, visited = kept.visited + excluded.visited, helped = kept.helped + excluded.helped, vneid = kept.vneid + excluded.vneid, flagged = kept.flagged + excluded.flagged, houses_known = kept.houses_known + excluded.houses_known, houses_active = kept.houses_active + excluded.houses_active;
        INSERT INTO unit_quarter AS kept (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
        SELECT NEW.parent_id, GREATEST(q.quarter, quarter_of(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from))), SUM(q.households), SUM(q.adults), SUM(q.visited), SUM(q.helped), SUM(q.vneid), SUM(q.flagged), SUM(q.houses_known), SUM(q.houses_active)
        FROM village_quarter q WHERE q.village_id = NEW.id
        GROUP BY 1, 2
        ON CONFLICT (unit_id, quarter) DO UPDATE SET households = kept.households + excluded.households, adults = kept.adults + excluded.adults, visited = kept.visited + excluded.visited, helped = kept.helped + excluded.helped, vneid = kept.vneid + excluded.vneid, flagged = kept.flagged + excluded.flagged, houses_known = kept.houses_known + excluded.houses_known, houses_active = kept.houses_active + excluded.houses_active;
        INSERT INTO unit_quarter AS kept (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
        SELECT NEW.parent_id, GREATEST(q.quarter, quarter_of(NEW.valid_to)), -SUM(q.households), -SUM(q.adults), -SUM(q.visited), -SUM(q.helped), -SUM(q.vneid), -SUM(q.flagged), -SUM(q.houses_known), -SUM(q.houses_active)
        FROM village_quarter q WHERE q.village_id = NEW.id AND NEW.valid_to IS NOT NULL
        GROUP BY 1, 2
        ON CONFLICT (unit_id, quarter) DO UPDATE SET households = kept.households + excluded.households, adults = kept.adults + excluded.adults, visited = kept.visited + excluded.visited, helped = kept.helped + excluded.helped, vneid = kept.vneid + excluded.vneid, flagged = kept.flagged + excluded.flagged, houses_known = kept.houses_known + excluded.houses_known, houses_active = kept.houses_active + excluded.houses_active;
        INSERT INTO recorder_unit_quarter AS kept (unit_id, recorder, quarter, visits, helped)
        SELECT OLD.parent_id, q.recorder, GREATEST(q.quarter, quarter_of(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from))), -SUM(q.visits), -SUM(q.helped)
        FROM recorder_village_quarter q WHERE q.village_id = NEW.id
        GROUP BY 1, 2, 3
        ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = kept.visits + excluded.visits, helped = kept.helped + excluded.helped;
        INSERT INTO recorder_unit_quarter AS kept (unit_id, recorder, quarter, visits, helped)
        SELECT OLD.parent_id, q.recorder, GREATEST(q.quarter, quarter_of(OLD.valid_to)), SUM(q.visits), SUM(q.helped)
        FROM recorder_village_quarter q WHERE q.village_id = NEW.id AND OLD.valid_to IS NOT NULL
        GROUP BY 1, 2, 3
        ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = kept.visits + excluded.visits, helped = kept.helped + excluded.helped;
        INSERT INTO recorder_unit_quarter AS kept (unit_id, recorder, quarter, visits, helped)
        SELECT NEW.parent_id, q.recorder, GREATEST(q.quarter, quarter_of(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from))), SUM(q.visits), SUM(q.helped)
        FROM recorder_village_quarter q WHERE q.village_id = NEW.id
        GROUP BY 1, 2, 3
        ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = kept.visits + excluded.visits, helped = kept.helped + excluded.helped;
        INSERT INTO recorder_unit_quarter AS kept (unit_id, recorder, quarter, visits, helped)
        SELECT NEW.parent_id, q.recorder, GREATEST(q.quarter, quarter_of(NEW.valid_to)), -SUM(q.visits), -SUM(q.helped)
        FROM recorder_village_quarter q WHERE q.village_id = NEW.id AND NEW.valid_to IS NOT NULL
        GROUP BY 1, 2, 3
        ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = kept.visits + excluded.visits, helped = kept.helped + excluded.helped;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER village_period_change AFTER UPDATE OF parent_id, valid_to ON admin_unit
FOR EACH ROW EXECUTE FUNCTION village_period_change();

CREATE FUNCTION household_figures() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.village_id IS DISTINCT FROM NEW.village_id OR OLD.created_at IS DISTINCT FROM NEW.created_at
        OR OLD.adults IS DISTINCT FROM NEW.adults OR OLD.first_visited_at IS DISTINCT FROM NEW.first_visited_at
        OR OLD.first_helped_at IS DISTINCT FROM NEW.first_helped_at) THEN
        PERFORM figure_change(OLD.village_id, OLD.created_at, -1, -COALESCE(OLD.adults, 0), 0, 0, 0, 0, 0, 0);
        IF OLD.first_visited_at IS NOT NULL THEN
            PERFORM figure_change(OLD.village_id, GREATEST(OLD.created_at, OLD.first_visited_at), 0, 0, -1, 0, 0, 0, 0, 0);
        END IF;
        IF OLD.first_helped_at IS NOT NULL THEN
            PERFORM figure_change(OLD.village_id, GREATEST(OLD.created_at, OLD.first_helped_at), 0, 0, 0, -1, 0, 0, 0, 0);
        END IF;
        PERFORM figure_change(NEW.village_id, NEW.created_at, 1, COALESCE(NEW.adults, 0), 0, 0, 0, 0, 0, 0);
        IF NEW.first_visited_at IS NOT NULL THEN
            PERFORM figure_change(NEW.village_id, GREATEST(NEW.created_at, NEW.first_visited_at), 0, 0, 1, 0, 0, 0, 0, 0);
        END IF;
        IF NEW.first_helped_at IS NOT NULL THEN
            PERFORM figure_change(NEW.village_id, GREATEST(NEW.created_at, NEW.first_helped_at), 0, 0, 0, 1, 0, 0, 0, 0);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM figure_change(NEW.village_id, NEW.created_at, 1, COALESCE(NEW.adults, 0), 0, 0, 0, 0, 0, 0);
        IF NEW.first_visited_at IS NOT NULL THEN
            PERFORM figure_change(NEW.village_id, GREATEST(NEW.created_at, NEW.first_visited_at), 0, 0, 1, 0, 0, 0, 0, 0);
        END IF;
        IF NEW.first_helped_at IS NOT NULL THEN
            PERFORM figure_change(NEW.village_id, GREATEST(NEW.created_at, NEW.first_helped_at), 0, 0, 0, 1, 0, 0, 0, 0);
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM figure_change(OLD.village_id, OLD.created_at, -1, -COALESCE(OLD.adults, 0), 0, 0, 0, 0, 0, 0);
        IF OLD.first_visited_at IS NOT NULL THEN
            PERFORM figure_change(OLD.village_id, GREATEST(OLD.created_at, OLD.first_visited_at), 0, 0, -1, 0, 0, 0, 0, 0);
        END IF;
        IF OLD.first_helped_at IS NOT NULL THEN
            PERFORM figure_change(OLD.village_id, GREATEST(OLD.created_at, OLD.first_helped_at), 0, 0, 0, -1, 0, 0, 0, 0);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER household_figures AFTER INSERT OR DELETE OR UPDATE OF village_id, created_at, adults, first_visited_at, first_helped_at ON household
FOR EACH ROW EXECUTE FUNCTION household_figures();

-- Households waiting for a donated device, per village: eligible (flagged, no smartphone) and
-- without a device allocated or delivered.
CREATE FUNCTION household_waiting() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.poor IS DISTINCT FROM NEW.poor OR OLD.near_poor IS DISTINCT FROM NEW.near_poor
           OR OLD.ethnic_minority IS DISTINCT FROM NEW.ethnic_minority OR OLD.elderly IS DISTINCT FROM NEW.elderly
           OR OLD.disability IS DISTINCT FROM NEW.disability OR OLD.has_smartphone IS DISTINCT FROM NEW.has_smartphone THEN
            UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                               AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                                  FROM household h WHERE h.id = household.id)
            WHERE id = NEW.id;
        END IF;
        IF OLD.waiting_device IS DISTINCT FROM NEW.waiting_device OR OLD.village_id IS DISTINCT FROM NEW.village_id THEN
            INSERT INTO village_now AS kept (village_id, devices_waiting)
            VALUES (OLD.village_id, -OLD.waiting_device)
            ON CONFLICT (village_id) DO UPDATE SET devices_waiting = kept.devices_waiting + excluded.devices_waiting;
            INSERT INTO village_now AS kept (village_id, devices_waiting)
            VALUES (NEW.village_id, NEW.waiting_device)
            ON CONFLICT (village_id) DO UPDATE SET devices_waiting = kept.devices_waiting + excluded.devices_waiting;
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                           AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                              FROM household h WHERE h.id = household.id)
        WHERE id = NEW.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO village_now AS kept (village_id, devices_waiting)
        VALUES (OLD.village_id, -OLD.waiting_device)
        ON CONFLICT (village_id) DO UPDATE SET devices_waiting = kept.devices_waiting + excluded.devices_waiting;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER household_waiting AFTER INSERT OR DELETE OR UPDATE ON household
FOR EACH ROW EXECUTE FUNCTION household_waiting();

CREATE FUNCTION allocation_waiting() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                           AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                              FROM household h WHERE h.id = household.id)
        WHERE id = OLD.household_id;
        UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                           AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                              FROM household h WHERE h.id = household.id)
        WHERE id = NEW.household_id;
    END IF;
    IF TG_OP = 'INSERT' THEN
        UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                           AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                              FROM household h WHERE h.id = household.id)
        WHERE id = NEW.household_id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                           AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                              FROM household h WHERE h.id = household.id)
        WHERE id = OLD.household_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER allocation_waiting AFTER INSERT OR DELETE OR UPDATE OF status, household_id ON allocation
FOR EACH ROW EXECUTE FUNCTION allocation_waiting();

CREATE FUNCTION visit_figures() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF (OLD.vneid_activated = 1 OR OLD.outside_area = 1) THEN
            PERFORM figure_change(OLD.village_id, OLD.visited_at, 0, 0, 0, 0, CASE WHEN OLD.vneid_activated = 1 THEN -1 ELSE 0 END, -OLD.outside_area, 0, 0);
        END IF;
        PERFORM recorder_change(OLD.village_id, OLD.recorded_by, OLD.visited_at, -1, -OLD.people_helped);
        IF (NEW.vneid_activated = 1 OR NEW.outside_area = 1) THEN
            PERFORM figure_change(NEW.village_id, NEW.visited_at, 0, 0, 0, 0, CASE WHEN NEW.vneid_activated = 1 THEN 1 ELSE 0 END, NEW.outside_area, 0, 0);
        END IF;
        PERFORM recorder_change(NEW.village_id, NEW.recorded_by, NEW.visited_at, 1, NEW.people_helped);
        UPDATE household
        SET first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = OLD.household_id),
            first_helped_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = OLD.household_id AND x.people_helped > 0)
        WHERE id = OLD.household_id;
        UPDATE household
        SET first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = NEW.household_id),
            first_helped_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = NEW.household_id AND x.people_helped > 0)
        WHERE id = NEW.household_id;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF (NEW.vneid_activated = 1 OR NEW.outside_area = 1) THEN
            PERFORM figure_change(NEW.village_id, NEW.visited_at, 0, 0, 0, 0, CASE WHEN NEW.vneid_activated = 1 THEN 1 ELSE 0 END, NEW.outside_area, 0, 0);
        END IF;
        PERFORM recorder_change(NEW.village_id, NEW.recorded_by, NEW.visited_at, 1, NEW.people_helped);
        UPDATE household
        SET first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = NEW.household_id),
            first_helped_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = NEW.household_id AND x.people_helped > 0)
        WHERE id = NEW.household_id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF (OLD.vneid_activated = 1 OR OLD.outside_area = 1) THEN
            PERFORM figure_change(OLD.village_id, OLD.visited_at, 0, 0, 0, 0, CASE WHEN OLD.vneid_activated = 1 THEN -1 ELSE 0 END, -OLD.outside_area, 0, 0);
        END IF;
        PERFORM recorder_change(OLD.village_id, OLD.recorded_by, OLD.visited_at, -1, -OLD.people_helped);
        UPDATE household
        SET first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = OLD.household_id),
            first_helped_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = OLD.household_id AND x.people_helped > 0)
        WHERE id = OLD.household_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER visit_figures AFTER INSERT OR DELETE OR UPDATE OF household_id, village_id, visited_at, people_helped, vneid_activated, outside_area, recorded_by ON visit
FOR EACH ROW EXECUTE FUNCTION visit_figures();

-- A Wi-Fi change counts in the house's village: a house is known from its first change; one more
-- or one fewer works when the state turns active or stops being active.
CREATE FUNCTION wifi_change_figures() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.village_id IS NOT NULL THEN
            PERFORM figure_change(OLD.village_id, OLD.changed_at, 0, 0, 0, 0, 0, 0, -OLD.known_change, -OLD.active_change);
        END IF;
        IF NEW.village_id IS NOT NULL THEN
            PERFORM figure_change(NEW.village_id, NEW.changed_at, 0, 0, 0, 0, 0, 0, NEW.known_change, NEW.active_change);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        UPDATE wifi_change
        SET village_id = (SELECT h.village_id FROM cultural_house h WHERE h.id = NEW.cultural_house_id),
            known_change = CASE WHEN (SELECT w.wifi_status FROM wifi_change w WHERE w.cultural_house_id = NEW.cultural_house_id AND w.version < NEW.version
                             ORDER BY w.version DESC LIMIT 1) IS NULL THEN 1 ELSE 0 END,
            active_change = CASE WHEN NEW.wifi_status = 'active' THEN 1 ELSE 0 END
                            - CASE WHEN (SELECT w.wifi_status FROM wifi_change w WHERE w.cultural_house_id = NEW.cultural_house_id AND w.version < NEW.version
                             ORDER BY w.version DESC LIMIT 1) = 'active' THEN 1 ELSE 0 END
        WHERE id = NEW.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.village_id IS NOT NULL THEN
            PERFORM figure_change(OLD.village_id, OLD.changed_at, 0, 0, 0, 0, 0, 0, -OLD.known_change, -OLD.active_change);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER wifi_change_figures AFTER INSERT OR DELETE OR UPDATE OF village_id, changed_at, known_change, active_change ON wifi_change
FOR EACH ROW EXECUTE FUNCTION wifi_change_figures();

CREATE FUNCTION cultural_house_now() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO village_now AS kept (village_id, houses, houses_active, houses_broken, houses_installing, houses_planned, houses_none)
        VALUES (OLD.village_id, -1, CASE WHEN OLD.wifi_status = 'active' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'broken' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'installing' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'planned' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'none' THEN -1 ELSE 0 END)
        ON CONFLICT (village_id) DO UPDATE SET houses = kept.houses + excluded.houses, houses_active = kept.houses_active + excluded.houses_active, houses_broken = kept.houses_broken + excluded.houses_broken, houses_installing = kept.houses_installing + excluded.houses_installing, houses_planned = kept.houses_planned + excluded.houses_planned, houses_none = kept.houses_none + excluded.houses_none;
        INSERT INTO village_now AS kept (village_id, houses, houses_active, houses_broken, houses_installing, houses_planned, houses_none)
        VALUES (NEW.village_id, 1, CASE WHEN NEW.wifi_status = 'active' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'broken' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'installing' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'planned' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'none' THEN 1 ELSE 0 END)
        ON CONFLICT (village_id) DO UPDATE SET houses = kept.houses + excluded.houses, houses_active = kept.houses_active + excluded.houses_active, houses_broken = kept.houses_broken + excluded.houses_broken, houses_installing = kept.houses_installing + excluded.houses_installing, houses_planned = kept.houses_planned + excluded.houses_planned, houses_none = kept.houses_none + excluded.houses_none;
        IF OLD.village_id IS DISTINCT FROM NEW.village_id THEN
            UPDATE wifi_change SET village_id = NEW.village_id WHERE cultural_house_id = NEW.id;
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO village_now AS kept (village_id, houses, houses_active, houses_broken, houses_installing, houses_planned, houses_none)
        VALUES (NEW.village_id, 1, CASE WHEN NEW.wifi_status = 'active' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'broken' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'installing' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'planned' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'none' THEN 1 ELSE 0 END)
        ON CONFLICT (village_id) DO UPDATE SET houses = kept.houses + excluded.houses, houses_active = kept.houses_active + excluded.houses_active, houses_broken = kept.houses_broken + excluded.houses_broken, houses_installing = kept.houses_installing + excluded.houses_installing, houses_planned = kept.houses_planned + excluded.houses_planned, houses_none = kept.houses_none + excluded.houses_none;
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO village_now AS kept (village_id, houses, houses_active, houses_broken, houses_installing, houses_planned, houses_none)
        VALUES (OLD.village_id, -1, CASE WHEN OLD.wifi_status = 'active' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'broken' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'installing' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'planned' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'none' THEN -1 ELSE 0 END)
        ON CONFLICT (village_id) DO UPDATE SET houses = kept.houses + excluded.houses, houses_active = kept.houses_active + excluded.houses_active, houses_broken = kept.houses_broken + excluded.houses_broken, houses_installing = kept.houses_installing + excluded.houses_installing, houses_planned = kept.houses_planned + excluded.houses_planned, houses_none = kept.houses_none + excluded.houses_none;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cultural_house_now AFTER INSERT OR DELETE OR UPDATE OF village_id, wifi_status ON cultural_house
FOR EACH ROW EXECUTE FUNCTION cultural_house_now();

CREATE FUNCTION coverage_good_mobile() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO village_now AS kept (village_id, good_mobile)
        SELECT OLD.village_id, (SELECT COUNT(*) FROM coverage_report r
                          WHERE r.village_id = OLD.village_id AND r.source = 'operator' AND r.quality = 'good'
                            AND r.technology IN ('4G', '5G')
                            AND NOT EXISTS (SELECT 1 FROM coverage_report newer
                                            WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                                              AND newer.technology = r.technology AND newer.source = r.source
                                              AND (newer.reported_at > r.reported_at
                                                   OR (newer.reported_at = r.reported_at AND newer.id > r.id))))
        WHERE OLD.village_id IS NOT NULL
        ON CONFLICT (village_id) DO UPDATE SET good_mobile = excluded.good_mobile;
        INSERT INTO village_now AS kept (village_id, good_mobile)
        SELECT NEW.village_id, (SELECT COUNT(*) FROM coverage_report r
                          WHERE r.village_id = NEW.village_id AND r.source = 'operator' AND r.quality = 'good'
                            AND r.technology IN ('4G', '5G')
                            AND NOT EXISTS (SELECT 1 FROM coverage_report newer
                                            WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                                              AND newer.technology = r.technology AND newer.source = r.source
                                              AND (newer.reported_at > r.reported_at
                                                   OR (newer.reported_at = r.reported_at AND newer.id > r.id))))
        WHERE NEW.village_id IS NOT NULL
        ON CONFLICT (village_id) DO UPDATE SET good_mobile = excluded.good_mobile;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO village_now AS kept (village_id, good_mobile)
        SELECT NEW.village_id, (SELECT COUNT(*) FROM coverage_report r
                          WHERE r.village_id = NEW.village_id AND r.source = 'operator' AND r.quality = 'good'
                            AND r.technology IN ('4G', '5G')
                            AND NOT EXISTS (SELECT 1 FROM coverage_report newer
                                            WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                                              AND newer.technology = r.technology AND newer.source = r.source
                                              AND (newer.reported_at > r.reported_at
                                                   OR (newer.reported_at = r.reported_at AND newer.id > r.id))))
        WHERE NEW.village_id IS NOT NULL
        ON CONFLICT (village_id) DO UPDATE SET good_mobile = excluded.good_mobile;
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO village_now AS kept (village_id, good_mobile)
        SELECT OLD.village_id, (SELECT COUNT(*) FROM coverage_report r
                          WHERE r.village_id = OLD.village_id AND r.source = 'operator' AND r.quality = 'good'
                            AND r.technology IN ('4G', '5G')
                            AND NOT EXISTS (SELECT 1 FROM coverage_report newer
                                            WHERE newer.village_id = r.village_id AND newer.operator = r.operator
                                              AND newer.technology = r.technology AND newer.source = r.source
                                              AND (newer.reported_at > r.reported_at
                                                   OR (newer.reported_at = r.reported_at AND newer.id > r.id))))
        WHERE OLD.village_id IS NOT NULL
        ON CONFLICT (village_id) DO UPDATE SET good_mobile = excluded.good_mobile;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER coverage_good_mobile AFTER INSERT OR DELETE OR UPDATE ON coverage_report
FOR EACH ROW EXECUTE FUNCTION coverage_good_mobile();

CREATE FUNCTION allocation_now() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO village_now AS kept (village_id, devices_allocated, devices_delivered)
        VALUES (OLD.village_id, CASE WHEN OLD.status = 'allocated' THEN -1 ELSE 0 END, CASE WHEN OLD.status = 'delivered' THEN -1 ELSE 0 END)
        ON CONFLICT (village_id) DO UPDATE SET devices_allocated = kept.devices_allocated + excluded.devices_allocated, devices_delivered = kept.devices_delivered + excluded.devices_delivered;
        INSERT INTO village_now AS kept (village_id, devices_allocated, devices_delivered)
        VALUES (NEW.village_id, CASE WHEN NEW.status = 'allocated' THEN 1 ELSE 0 END, CASE WHEN NEW.status = 'delivered' THEN 1 ELSE 0 END)
        ON CONFLICT (village_id) DO UPDATE SET devices_allocated = kept.devices_allocated + excluded.devices_allocated, devices_delivered = kept.devices_delivered + excluded.devices_delivered;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO village_now AS kept (village_id, devices_allocated, devices_delivered)
        VALUES (NEW.village_id, CASE WHEN NEW.status = 'allocated' THEN 1 ELSE 0 END, CASE WHEN NEW.status = 'delivered' THEN 1 ELSE 0 END)
        ON CONFLICT (village_id) DO UPDATE SET devices_allocated = kept.devices_allocated + excluded.devices_allocated, devices_delivered = kept.devices_delivered + excluded.devices_delivered;
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO village_now AS kept (village_id, devices_allocated, devices_delivered)
        VALUES (OLD.village_id, CASE WHEN OLD.status = 'allocated' THEN -1 ELSE 0 END, CASE WHEN OLD.status = 'delivered' THEN -1 ELSE 0 END)
        ON CONFLICT (village_id) DO UPDATE SET devices_allocated = kept.devices_allocated + excluded.devices_allocated, devices_delivered = kept.devices_delivered + excluded.devices_delivered;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER allocation_now AFTER INSERT OR DELETE OR UPDATE OF village_id, status ON allocation
FOR EACH ROW EXECUTE FUNCTION allocation_now();

-- Kept figures of the data already here are built by `domain::figures::rebuild` when the
-- migrations have run (`Db::migrate`), flagged by this key until then.
INSERT INTO app_meta (key, value) VALUES ('figures_stale', '1');
