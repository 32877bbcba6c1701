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
-- Changes go through two queue tables (`figure_change`, `recorder_change`) whose triggers apply
-- them and remove the row: one place knows how a change of a village reaches its communes.
-- A bulk load (the benchmarks' national data set) sets `app_meta` key `figures_paused`, then
-- rebuilds everything at once (`domain::figures::rebuild`), which is also the recount the tests
-- compare the kept figures with.

ALTER TABLE household ADD COLUMN first_visited_at TEXT;
ALTER TABLE household ADD COLUMN first_helped_at TEXT;
-- 1 while the household is eligible for a donated device and has none (`donations::eligible`).
ALTER TABLE household ADD COLUMN waiting_device INTEGER NOT NULL DEFAULT 0;
-- The village a Wi-Fi change counted in and what it changed (a house known from then, one more or
-- one fewer working), so that deleting or moving it takes back exactly what it added.
ALTER TABLE wifi_change ADD COLUMN village_id INTEGER REFERENCES admin_unit (id);
ALTER TABLE wifi_change ADD COLUMN known_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE wifi_change ADD COLUMN active_change INTEGER NOT NULL DEFAULT 0;
CREATE INDEX visit_household_time ON visit (household_id, visited_at);
CREATE INDEX wifi_change_village ON wifi_change (village_id);

CREATE TABLE village_quarter (
    village_id    INTEGER NOT NULL REFERENCES admin_unit (id),
    quarter       TEXT NOT NULL,
    households    INTEGER NOT NULL DEFAULT 0,
    adults        INTEGER NOT NULL DEFAULT 0,
    visited       INTEGER NOT NULL DEFAULT 0,
    helped        INTEGER NOT NULL DEFAULT 0,
    vneid         INTEGER NOT NULL DEFAULT 0,
    flagged       INTEGER NOT NULL DEFAULT 0,
    houses_known  INTEGER NOT NULL DEFAULT 0,
    houses_active INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (village_id, quarter)
);
CREATE TABLE unit_quarter (
    unit_id       INTEGER NOT NULL REFERENCES admin_unit (id),
    quarter       TEXT NOT NULL,
    households    INTEGER NOT NULL DEFAULT 0,
    adults        INTEGER NOT NULL DEFAULT 0,
    visited       INTEGER NOT NULL DEFAULT 0,
    helped        INTEGER NOT NULL DEFAULT 0,
    vneid         INTEGER NOT NULL DEFAULT 0,
    flagged       INTEGER NOT NULL DEFAULT 0,
    houses_known  INTEGER NOT NULL DEFAULT 0,
    houses_active INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, quarter)
);
CREATE TABLE recorder_village_quarter (
    village_id    INTEGER NOT NULL REFERENCES admin_unit (id),
    recorder      TEXT NOT NULL,
    quarter       TEXT NOT NULL,
    visits        INTEGER NOT NULL DEFAULT 0,
    helped        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (village_id, recorder, quarter)
);
CREATE TABLE recorder_unit_quarter (
    unit_id       INTEGER NOT NULL REFERENCES admin_unit (id),
    recorder      TEXT NOT NULL,
    quarter       TEXT NOT NULL,
    visits        INTEGER NOT NULL DEFAULT 0,
    helped        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, recorder, quarter)
);
CREATE TABLE village_now (
    village_id        INTEGER PRIMARY KEY REFERENCES admin_unit (id),
    households        INTEGER NOT NULL DEFAULT 0,
    adults            INTEGER NOT NULL DEFAULT 0,
    visited           INTEGER NOT NULL DEFAULT 0,
    helped            INTEGER NOT NULL DEFAULT 0,
    vneid             INTEGER NOT NULL DEFAULT 0,
    flagged           INTEGER NOT NULL DEFAULT 0,
    houses            INTEGER NOT NULL DEFAULT 0,
    houses_active     INTEGER NOT NULL DEFAULT 0,
    houses_broken     INTEGER NOT NULL DEFAULT 0,
    houses_installing INTEGER NOT NULL DEFAULT 0,
    houses_planned    INTEGER NOT NULL DEFAULT 0,
    houses_none       INTEGER NOT NULL DEFAULT 0,
    good_mobile       INTEGER NOT NULL DEFAULT 0,
    devices_allocated INTEGER NOT NULL DEFAULT 0,
    devices_delivered INTEGER NOT NULL DEFAULT 0,
    devices_waiting   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE figure_change (
    village_id    INTEGER NOT NULL,
    at            TEXT NOT NULL,
    households    INTEGER NOT NULL DEFAULT 0,
    adults        INTEGER NOT NULL DEFAULT 0,
    visited       INTEGER NOT NULL DEFAULT 0,
    helped        INTEGER NOT NULL DEFAULT 0,
    vneid         INTEGER NOT NULL DEFAULT 0,
    flagged       INTEGER NOT NULL DEFAULT 0,
    houses_known  INTEGER NOT NULL DEFAULT 0,
    houses_active INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE recorder_change (
    village_id    INTEGER NOT NULL,
    recorder      TEXT NOT NULL,
    at            TEXT NOT NULL,
    visits        INTEGER NOT NULL DEFAULT 0,
    helped        INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER figure_change_apply AFTER INSERT ON figure_change
BEGIN
    INSERT INTO village_quarter (village_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    VALUES (NEW.village_id, (substr(NEW.at, 1, 4) || '-Q' || ((CAST(substr(NEW.at, 6, 2) AS INTEGER) + 2) / 3)), NEW.households, NEW.adults, NEW.visited, NEW.helped, NEW.vneid, NEW.flagged, NEW.houses_known, NEW.houses_active)
    ON CONFLICT (village_id, quarter) DO UPDATE SET households = households + excluded.households, adults = adults + excluded.adults, visited = visited + excluded.visited, helped = helped + excluded.helped, vneid = vneid + excluded.vneid, flagged = flagged + excluded.flagged, houses_known = houses_known + excluded.houses_known, houses_active = houses_active + excluded.houses_active;
    -- The units the village belonged to from the change on: counted when it entered each, taken
    -- back when it left.
    INSERT INTO unit_quarter (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    SELECT period.parent_id, (substr(MAX(period.valid_from, NEW.at), 1, 4) || '-Q' || ((CAST(substr(MAX(period.valid_from, NEW.at), 6, 2) AS INTEGER) + 2) / 3)), SUM(NEW.households), SUM(NEW.adults), SUM(NEW.visited), SUM(NEW.helped), SUM(NEW.vneid), SUM(NEW.flagged), SUM(NEW.houses_known), SUM(NEW.houses_active)
    FROM (SELECT f.parent_id, f.valid_from, f.valid_to FROM admin_unit_former_parent f WHERE f.unit_id = NEW.village_id
          UNION ALL
          SELECT v.parent_id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id), v.valid_from),
                 v.valid_to
          FROM admin_unit v WHERE v.id = NEW.village_id) AS period
    WHERE period.valid_to IS NULL OR period.valid_to > NEW.at
    GROUP BY 1, 2
    ON CONFLICT (unit_id, quarter) DO UPDATE SET households = households + excluded.households, adults = adults + excluded.adults, visited = visited + excluded.visited, helped = helped + excluded.helped, vneid = vneid + excluded.vneid, flagged = flagged + excluded.flagged, houses_known = houses_known + excluded.houses_known, houses_active = houses_active + excluded.houses_active;
    INSERT INTO unit_quarter (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    SELECT period.parent_id, (substr(period.valid_to, 1, 4) || '-Q' || ((CAST(substr(period.valid_to, 6, 2) AS INTEGER) + 2) / 3)), -SUM(NEW.households), -SUM(NEW.adults), -SUM(NEW.visited), -SUM(NEW.helped), -SUM(NEW.vneid), -SUM(NEW.flagged), -SUM(NEW.houses_known), -SUM(NEW.houses_active)
    FROM (SELECT f.parent_id, f.valid_from, f.valid_to FROM admin_unit_former_parent f WHERE f.unit_id = NEW.village_id
          UNION ALL
          SELECT v.parent_id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id), v.valid_from),
                 v.valid_to
          FROM admin_unit v WHERE v.id = NEW.village_id) AS period
    WHERE period.valid_to > NEW.at
    GROUP BY 1, 2
    ON CONFLICT (unit_id, quarter) DO UPDATE SET households = households + excluded.households, adults = adults + excluded.adults, visited = visited + excluded.visited, helped = helped + excluded.helped, vneid = vneid + excluded.vneid, flagged = flagged + excluded.flagged, houses_known = houses_known + excluded.houses_known, houses_active = houses_active + excluded.houses_active;
    INSERT INTO village_now (village_id, households, adults, visited, helped, vneid, flagged)
    VALUES (NEW.village_id, NEW.households, NEW.adults, NEW.visited, NEW.helped, NEW.vneid, NEW.flagged)
    ON CONFLICT (village_id) DO UPDATE SET households = households + excluded.households, adults = adults + excluded.adults, visited = visited + excluded.visited, helped = helped + excluded.helped, vneid = vneid + excluded.vneid, flagged = flagged + excluded.flagged;
    DELETE FROM figure_change WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER recorder_change_apply AFTER INSERT ON recorder_change
BEGIN
    INSERT INTO recorder_village_quarter (village_id, recorder, quarter, visits, helped)
    VALUES (NEW.village_id, NEW.recorder, (substr(NEW.at, 1, 4) || '-Q' || ((CAST(substr(NEW.at, 6, 2) AS INTEGER) + 2) / 3)), NEW.visits, NEW.helped)
    ON CONFLICT (village_id, recorder, quarter) DO UPDATE SET visits = visits + excluded.visits, helped = helped + excluded.helped;
    INSERT INTO recorder_unit_quarter (unit_id, recorder, quarter, visits, helped)
    SELECT period.parent_id, NEW.recorder, (substr(MAX(period.valid_from, NEW.at), 1, 4) || '-Q' || ((CAST(substr(MAX(period.valid_from, NEW.at), 6, 2) AS INTEGER) + 2) / 3)), SUM(NEW.visits), SUM(NEW.helped)
    FROM (SELECT f.parent_id, f.valid_from, f.valid_to FROM admin_unit_former_parent f WHERE f.unit_id = NEW.village_id
          UNION ALL
          SELECT v.parent_id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id), v.valid_from),
                 v.valid_to
          FROM admin_unit v WHERE v.id = NEW.village_id) AS period
    WHERE period.valid_to IS NULL OR period.valid_to > NEW.at
    GROUP BY 1, 2, 3
    ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = visits + excluded.visits, helped = helped + excluded.helped;
    INSERT INTO recorder_unit_quarter (unit_id, recorder, quarter, visits, helped)
    SELECT period.parent_id, NEW.recorder, (substr(period.valid_to, 1, 4) || '-Q' || ((CAST(substr(period.valid_to, 6, 2) AS INTEGER) + 2) / 3)), -SUM(NEW.visits), -SUM(NEW.helped)
    FROM (SELECT f.parent_id, f.valid_from, f.valid_to FROM admin_unit_former_parent f WHERE f.unit_id = NEW.village_id
          UNION ALL
          SELECT v.parent_id, COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = v.id), v.valid_from),
                 v.valid_to
          FROM admin_unit v WHERE v.id = NEW.village_id) AS period
    WHERE period.valid_to > NEW.at
    GROUP BY 1, 2, 3
    ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = visits + excluded.visits, helped = helped + excluded.helped;
    DELETE FROM recorder_change WHERE rowid = NEW.rowid;
END;

-- A village moved (its former parent is recorded first, see `reorganisation`), was put under
-- another commune by correction, retired or brought back: its current period's figures leave the
-- old parent and reach the new one from the day the period starts, and leave when it ends.
CREATE TRIGGER village_period_change AFTER UPDATE OF parent_id, valid_to ON admin_unit
WHEN NEW.level = 'village' AND (OLD.parent_id IS NOT NEW.parent_id OR OLD.valid_to IS NOT NEW.valid_to)
     AND NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO unit_quarter (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    SELECT OLD.parent_id, MAX(q.quarter, (substr(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from), 1, 4) || '-Q' || ((CAST(substr(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from), 6, 2) AS INTEGER) + 2) / 3))), -SUM(q.households), -SUM(q.adults), -SUM(q.visited), -SUM(q.helped), -SUM(q.vneid), -SUM(q.flagged), -SUM(q.houses_known), -SUM(q.houses_active)
    FROM village_quarter q WHERE q.village_id = NEW.id
    GROUP BY 1, 2
    ON CONFLICT (unit_id, quarter) DO UPDATE SET households = households + excluded.households, adults = adults + excluded.adults, visited = visited + excluded.visited, helped = helped + excluded.helped, vneid = vneid + excluded.vneid, flagged = flagged + excluded.flagged, houses_known = houses_known + excluded.houses_known, houses_active = houses_active + excluded.houses_active;
    INSERT INTO unit_quarter (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    SELECT OLD.parent_id, MAX(q.quarter, (substr(OLD.valid_to, 1, 4) || '-Q' || ((CAST(substr(OLD.valid_to, 6, 2) AS INTEGER) + 2) / 3))), SUM(q.households), SUM(q.adults), SUM(q.visited), SUM(q.helped), SUM(q.vneid), SUM(q.flagged), SUM(q.houses_known), SUM(q.houses_active)
    FROM village_quarter q WHERE q.village_id = NEW.id AND OLD.valid_to IS NOT NULL
    GROUP BY 1, 2
    ON CONFLICT (unit_id, quarter) DO UPDATE SET households = households + excluded.households, adults = adults + excluded.adults, visited = visited + excluded.visited, helped = helped + excluded.helped, vneid = vneid + excluded.vneid, flagged = flagged + excluded.flagged, houses_known = houses_known + excluded.houses_known, houses_active = houses_active + excluded.houses_active;
    INSERT INTO unit_quarter (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    SELECT NEW.parent_id, MAX(q.quarter, (substr(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from), 1, 4) || '-Q' || ((CAST(substr(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from), 6, 2) AS INTEGER) + 2) / 3))), SUM(q.households), SUM(q.adults), SUM(q.visited), SUM(q.helped), SUM(q.vneid), SUM(q.flagged), SUM(q.houses_known), SUM(q.houses_active)
    FROM village_quarter q WHERE q.village_id = NEW.id
    GROUP BY 1, 2
    ON CONFLICT (unit_id, quarter) DO UPDATE SET households = households + excluded.households, adults = adults + excluded.adults, visited = visited + excluded.visited, helped = helped + excluded.helped, vneid = vneid + excluded.vneid, flagged = flagged + excluded.flagged, houses_known = houses_known + excluded.houses_known, houses_active = houses_active + excluded.houses_active;
    INSERT INTO unit_quarter (unit_id, quarter, households, adults, visited, helped, vneid, flagged, houses_known, houses_active)
    SELECT NEW.parent_id, MAX(q.quarter, (substr(NEW.valid_to, 1, 4) || '-Q' || ((CAST(substr(NEW.valid_to, 6, 2) AS INTEGER) + 2) / 3))), -SUM(q.households), -SUM(q.adults), -SUM(q.visited), -SUM(q.helped), -SUM(q.vneid), -SUM(q.flagged), -SUM(q.houses_known), -SUM(q.houses_active)
    FROM village_quarter q WHERE q.village_id = NEW.id AND NEW.valid_to IS NOT NULL
    GROUP BY 1, 2
    ON CONFLICT (unit_id, quarter) DO UPDATE SET households = households + excluded.households, adults = adults + excluded.adults, visited = visited + excluded.visited, helped = helped + excluded.helped, vneid = vneid + excluded.vneid, flagged = flagged + excluded.flagged, houses_known = houses_known + excluded.houses_known, houses_active = houses_active + excluded.houses_active;
    INSERT INTO recorder_unit_quarter (unit_id, recorder, quarter, visits, helped)
    SELECT OLD.parent_id, q.recorder, MAX(q.quarter, (substr(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from), 1, 4) || '-Q' || ((CAST(substr(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from), 6, 2) AS INTEGER) + 2) / 3))), -SUM(q.visits), -SUM(q.helped)
    FROM recorder_village_quarter q WHERE q.village_id = NEW.id
    GROUP BY 1, 2, 3
    ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = visits + excluded.visits, helped = helped + excluded.helped;
    INSERT INTO recorder_unit_quarter (unit_id, recorder, quarter, visits, helped)
    SELECT OLD.parent_id, q.recorder, MAX(q.quarter, (substr(OLD.valid_to, 1, 4) || '-Q' || ((CAST(substr(OLD.valid_to, 6, 2) AS INTEGER) + 2) / 3))), SUM(q.visits), SUM(q.helped)
    FROM recorder_village_quarter q WHERE q.village_id = NEW.id AND OLD.valid_to IS NOT NULL
    GROUP BY 1, 2, 3
    ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = visits + excluded.visits, helped = helped + excluded.helped;
    INSERT INTO recorder_unit_quarter (unit_id, recorder, quarter, visits, helped)
    SELECT NEW.parent_id, q.recorder, MAX(q.quarter, (substr(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from), 1, 4) || '-Q' || ((CAST(substr(COALESCE((SELECT MAX(f.valid_to) FROM admin_unit_former_parent f WHERE f.unit_id = NEW.id), NEW.valid_from), 6, 2) AS INTEGER) + 2) / 3))), SUM(q.visits), SUM(q.helped)
    FROM recorder_village_quarter q WHERE q.village_id = NEW.id
    GROUP BY 1, 2, 3
    ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = visits + excluded.visits, helped = helped + excluded.helped;
    INSERT INTO recorder_unit_quarter (unit_id, recorder, quarter, visits, helped)
    SELECT NEW.parent_id, q.recorder, MAX(q.quarter, (substr(NEW.valid_to, 1, 4) || '-Q' || ((CAST(substr(NEW.valid_to, 6, 2) AS INTEGER) + 2) / 3))), -SUM(q.visits), -SUM(q.helped)
    FROM recorder_village_quarter q WHERE q.village_id = NEW.id AND NEW.valid_to IS NOT NULL
    GROUP BY 1, 2, 3
    ON CONFLICT (unit_id, recorder, quarter) DO UPDATE SET visits = visits + excluded.visits, helped = helped + excluded.helped;
END;

CREATE TRIGGER household_figures_add AFTER INSERT ON household
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO figure_change (village_id, at, households, adults) VALUES (NEW.village_id, NEW.created_at, 1, COALESCE(NEW.adults, 0));
    INSERT INTO figure_change (village_id, at, visited) SELECT NEW.village_id, MAX(NEW.created_at, NEW.first_visited_at), 1 WHERE NEW.first_visited_at IS NOT NULL;
    INSERT INTO figure_change (village_id, at, helped) SELECT NEW.village_id, MAX(NEW.created_at, NEW.first_helped_at), 1 WHERE NEW.first_helped_at IS NOT NULL;
END;

CREATE TRIGGER household_figures_remove AFTER DELETE ON household
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO figure_change (village_id, at, households, adults) VALUES (OLD.village_id, OLD.created_at, -1, -COALESCE(OLD.adults, 0));
    INSERT INTO figure_change (village_id, at, visited) SELECT OLD.village_id, MAX(OLD.created_at, OLD.first_visited_at), -1 WHERE OLD.first_visited_at IS NOT NULL;
    INSERT INTO figure_change (village_id, at, helped) SELECT OLD.village_id, MAX(OLD.created_at, OLD.first_helped_at), -1 WHERE OLD.first_helped_at IS NOT NULL;
END;

CREATE TRIGGER household_figures_edit AFTER UPDATE OF village_id, created_at, adults, first_visited_at, first_helped_at ON household
WHEN (OLD.village_id IS NOT NEW.village_id OR OLD.created_at IS NOT NEW.created_at OR OLD.adults IS NOT NEW.adults
      OR OLD.first_visited_at IS NOT NEW.first_visited_at OR OLD.first_helped_at IS NOT NEW.first_helped_at)
     AND NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO figure_change (village_id, at, households, adults) VALUES (OLD.village_id, OLD.created_at, -1, -COALESCE(OLD.adults, 0));
    INSERT INTO figure_change (village_id, at, visited) SELECT OLD.village_id, MAX(OLD.created_at, OLD.first_visited_at), -1 WHERE OLD.first_visited_at IS NOT NULL;
    INSERT INTO figure_change (village_id, at, helped) SELECT OLD.village_id, MAX(OLD.created_at, OLD.first_helped_at), -1 WHERE OLD.first_helped_at IS NOT NULL;
    INSERT INTO figure_change (village_id, at, households, adults) VALUES (NEW.village_id, NEW.created_at, 1, COALESCE(NEW.adults, 0));
    INSERT INTO figure_change (village_id, at, visited) SELECT NEW.village_id, MAX(NEW.created_at, NEW.first_visited_at), 1 WHERE NEW.first_visited_at IS NOT NULL;
    INSERT INTO figure_change (village_id, at, helped) SELECT NEW.village_id, MAX(NEW.created_at, NEW.first_helped_at), 1 WHERE NEW.first_helped_at IS NOT NULL;
END;

-- Households waiting for a donated device, per village: eligible (flagged, no smartphone) and
-- without a device allocated or delivered.
CREATE TRIGGER household_waiting_check AFTER INSERT ON household
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                       AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                          FROM household h WHERE h.id = household.id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER household_waiting_recheck AFTER UPDATE OF poor, near_poor, ethnic_minority, elderly, disability, has_smartphone ON household
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                       AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                          FROM household h WHERE h.id = household.id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER household_waiting_now AFTER UPDATE OF waiting_device, village_id ON household
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, devices_waiting)
    VALUES (OLD.village_id, -OLD.waiting_device)
    ON CONFLICT (village_id) DO UPDATE SET devices_waiting = devices_waiting + excluded.devices_waiting;
    INSERT INTO village_now (village_id, devices_waiting)
    VALUES (NEW.village_id, NEW.waiting_device)
    ON CONFLICT (village_id) DO UPDATE SET devices_waiting = devices_waiting + excluded.devices_waiting;
END;

CREATE TRIGGER household_waiting_remove AFTER DELETE ON household
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, devices_waiting)
    VALUES (OLD.village_id, -OLD.waiting_device)
    ON CONFLICT (village_id) DO UPDATE SET devices_waiting = devices_waiting + excluded.devices_waiting;
END;

CREATE TRIGGER allocation_waiting_add AFTER INSERT ON allocation
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                       AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                          FROM household h WHERE h.id = household.id)
    WHERE id = NEW.household_id;
END;

CREATE TRIGGER allocation_waiting_remove AFTER DELETE ON allocation
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                       AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                          FROM household h WHERE h.id = household.id)
    WHERE id = OLD.household_id;
END;

CREATE TRIGGER allocation_waiting_edit AFTER UPDATE OF status, household_id ON allocation
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                       AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                          FROM household h WHERE h.id = household.id)
    WHERE id = OLD.household_id;
    UPDATE household SET waiting_device = (SELECT CASE WHEN (h.poor + h.near_poor + h.ethnic_minority + h.elderly + h.disability) > 0 AND h.has_smartphone = 0
                       AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.household_id = h.id AND a.status <> 'cancelled') THEN 1 ELSE 0 END
                                          FROM household h WHERE h.id = household.id)
    WHERE id = NEW.household_id;
END;

CREATE TRIGGER visit_figures_add AFTER INSERT ON visit
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO figure_change (village_id, at, vneid, flagged) SELECT NEW.village_id, NEW.visited_at, CASE WHEN NEW.vneid_activated = 1 THEN 1 ELSE 0 END, NEW.outside_area WHERE (NEW.vneid_activated = 1 OR NEW.outside_area = 1);
    INSERT INTO recorder_change (village_id, recorder, at, visits, helped) VALUES (NEW.village_id, NEW.recorded_by, NEW.visited_at, 1, NEW.people_helped);
    UPDATE household
    SET first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = NEW.household_id),
        first_helped_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = NEW.household_id AND x.people_helped > 0)
    WHERE id = NEW.household_id;
END;

CREATE TRIGGER visit_figures_remove AFTER DELETE ON visit
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO figure_change (village_id, at, vneid, flagged) SELECT OLD.village_id, OLD.visited_at, CASE WHEN OLD.vneid_activated = 1 THEN -1 ELSE 0 END, -OLD.outside_area WHERE (OLD.vneid_activated = 1 OR OLD.outside_area = 1);
    INSERT INTO recorder_change (village_id, recorder, at, visits, helped) VALUES (OLD.village_id, OLD.recorded_by, OLD.visited_at, -1, -OLD.people_helped);
    UPDATE household
    SET first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = OLD.household_id),
        first_helped_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = OLD.household_id AND x.people_helped > 0)
    WHERE id = OLD.household_id;
END;

CREATE TRIGGER visit_figures_edit AFTER UPDATE OF household_id, village_id, visited_at, people_helped, vneid_activated, outside_area, recorded_by ON visit
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO figure_change (village_id, at, vneid, flagged) SELECT OLD.village_id, OLD.visited_at, CASE WHEN OLD.vneid_activated = 1 THEN -1 ELSE 0 END, -OLD.outside_area WHERE (OLD.vneid_activated = 1 OR OLD.outside_area = 1);
    INSERT INTO recorder_change (village_id, recorder, at, visits, helped) VALUES (OLD.village_id, OLD.recorded_by, OLD.visited_at, -1, -OLD.people_helped);
    INSERT INTO figure_change (village_id, at, vneid, flagged) SELECT NEW.village_id, NEW.visited_at, CASE WHEN NEW.vneid_activated = 1 THEN 1 ELSE 0 END, NEW.outside_area WHERE (NEW.vneid_activated = 1 OR NEW.outside_area = 1);
    INSERT INTO recorder_change (village_id, recorder, at, visits, helped) VALUES (NEW.village_id, NEW.recorded_by, NEW.visited_at, 1, NEW.people_helped);
    UPDATE household
    SET first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = OLD.household_id),
        first_helped_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = OLD.household_id AND x.people_helped > 0)
    WHERE id = OLD.household_id;
    UPDATE household
    SET first_visited_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = NEW.household_id),
        first_helped_at = (SELECT MIN(x.visited_at) FROM visit x WHERE x.household_id = NEW.household_id AND x.people_helped > 0)
    WHERE id = NEW.household_id;
END;

-- A Wi-Fi change counts in the house's village: a house is known from its first change; one more
-- or one fewer works when the state turns active or stops being active.
CREATE TRIGGER wifi_change_figures AFTER INSERT ON wifi_change
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    UPDATE wifi_change
    SET village_id = (SELECT h.village_id FROM cultural_house h WHERE h.id = NEW.cultural_house_id),
        known_change = CASE WHEN (SELECT w.wifi_status FROM wifi_change w WHERE w.cultural_house_id = NEW.cultural_house_id AND w.version < NEW.version
                 ORDER BY w.version DESC LIMIT 1) IS NULL THEN 1 ELSE 0 END,
        active_change = CASE WHEN NEW.wifi_status = 'active' THEN 1 ELSE 0 END
                        - CASE WHEN (SELECT w.wifi_status FROM wifi_change w WHERE w.cultural_house_id = NEW.cultural_house_id AND w.version < NEW.version
                 ORDER BY w.version DESC LIMIT 1) = 'active' THEN 1 ELSE 0 END
    WHERE id = NEW.id;
END;

CREATE TRIGGER wifi_change_figures_edit AFTER UPDATE OF village_id, changed_at, known_change, active_change ON wifi_change
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO figure_change (village_id, at, houses_known, houses_active) SELECT OLD.village_id, OLD.changed_at, -OLD.known_change, -OLD.active_change WHERE OLD.village_id IS NOT NULL;
    INSERT INTO figure_change (village_id, at, houses_known, houses_active) SELECT NEW.village_id, NEW.changed_at, NEW.known_change, NEW.active_change WHERE NEW.village_id IS NOT NULL;
END;

CREATE TRIGGER wifi_change_figures_remove AFTER DELETE ON wifi_change
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO figure_change (village_id, at, houses_known, houses_active) SELECT OLD.village_id, OLD.changed_at, -OLD.known_change, -OLD.active_change WHERE OLD.village_id IS NOT NULL;
END;

CREATE TRIGGER cultural_house_now_add AFTER INSERT ON cultural_house
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, houses, houses_active, houses_broken, houses_installing, houses_planned, houses_none)
    VALUES (NEW.village_id, 1, CASE WHEN NEW.wifi_status = 'active' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'broken' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'installing' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'planned' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'none' THEN 1 ELSE 0 END)
    ON CONFLICT (village_id) DO UPDATE SET houses = houses + excluded.houses, houses_active = houses_active + excluded.houses_active, houses_broken = houses_broken + excluded.houses_broken, houses_installing = houses_installing + excluded.houses_installing, houses_planned = houses_planned + excluded.houses_planned, houses_none = houses_none + excluded.houses_none;
END;

CREATE TRIGGER cultural_house_now_remove AFTER DELETE ON cultural_house
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, houses, houses_active, houses_broken, houses_installing, houses_planned, houses_none)
    VALUES (OLD.village_id, -1, CASE WHEN OLD.wifi_status = 'active' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'broken' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'installing' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'planned' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'none' THEN -1 ELSE 0 END)
    ON CONFLICT (village_id) DO UPDATE SET houses = houses + excluded.houses, houses_active = houses_active + excluded.houses_active, houses_broken = houses_broken + excluded.houses_broken, houses_installing = houses_installing + excluded.houses_installing, houses_planned = houses_planned + excluded.houses_planned, houses_none = houses_none + excluded.houses_none;
END;

CREATE TRIGGER cultural_house_now_edit AFTER UPDATE OF village_id, wifi_status ON cultural_house
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, houses, houses_active, houses_broken, houses_installing, houses_planned, houses_none)
    VALUES (OLD.village_id, -1, CASE WHEN OLD.wifi_status = 'active' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'broken' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'installing' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'planned' THEN -1 ELSE 0 END, CASE WHEN OLD.wifi_status = 'none' THEN -1 ELSE 0 END)
    ON CONFLICT (village_id) DO UPDATE SET houses = houses + excluded.houses, houses_active = houses_active + excluded.houses_active, houses_broken = houses_broken + excluded.houses_broken, houses_installing = houses_installing + excluded.houses_installing, houses_planned = houses_planned + excluded.houses_planned, houses_none = houses_none + excluded.houses_none;
    INSERT INTO village_now (village_id, houses, houses_active, houses_broken, houses_installing, houses_planned, houses_none)
    VALUES (NEW.village_id, 1, CASE WHEN NEW.wifi_status = 'active' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'broken' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'installing' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'planned' THEN 1 ELSE 0 END, CASE WHEN NEW.wifi_status = 'none' THEN 1 ELSE 0 END)
    ON CONFLICT (village_id) DO UPDATE SET houses = houses + excluded.houses, houses_active = houses_active + excluded.houses_active, houses_broken = houses_broken + excluded.houses_broken, houses_installing = houses_installing + excluded.houses_installing, houses_planned = houses_planned + excluded.houses_planned, houses_none = houses_none + excluded.houses_none;
    UPDATE wifi_change SET village_id = NEW.village_id WHERE cultural_house_id = NEW.id AND OLD.village_id IS NOT NEW.village_id;
END;

CREATE TRIGGER coverage_good_mobile_add AFTER INSERT ON coverage_report
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, good_mobile)
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
END;

CREATE TRIGGER coverage_good_mobile_remove AFTER DELETE ON coverage_report
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, good_mobile)
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
END;

CREATE TRIGGER coverage_good_mobile_edit AFTER UPDATE ON coverage_report
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, good_mobile)
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
    INSERT INTO village_now (village_id, good_mobile)
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
END;

CREATE TRIGGER allocation_now_add AFTER INSERT ON allocation
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, devices_allocated, devices_delivered)
    VALUES (NEW.village_id, CASE WHEN NEW.status = 'allocated' THEN 1 ELSE 0 END, CASE WHEN NEW.status = 'delivered' THEN 1 ELSE 0 END)
    ON CONFLICT (village_id) DO UPDATE SET devices_allocated = devices_allocated + excluded.devices_allocated, devices_delivered = devices_delivered + excluded.devices_delivered;
END;

CREATE TRIGGER allocation_now_remove AFTER DELETE ON allocation
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, devices_allocated, devices_delivered)
    VALUES (OLD.village_id, CASE WHEN OLD.status = 'allocated' THEN -1 ELSE 0 END, CASE WHEN OLD.status = 'delivered' THEN -1 ELSE 0 END)
    ON CONFLICT (village_id) DO UPDATE SET devices_allocated = devices_allocated + excluded.devices_allocated, devices_delivered = devices_delivered + excluded.devices_delivered;
END;

CREATE TRIGGER allocation_now_edit AFTER UPDATE OF village_id, status ON allocation
WHEN NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'figures_paused')
BEGIN
    INSERT INTO village_now (village_id, devices_allocated, devices_delivered)
    VALUES (OLD.village_id, CASE WHEN OLD.status = 'allocated' THEN -1 ELSE 0 END, CASE WHEN OLD.status = 'delivered' THEN -1 ELSE 0 END)
    ON CONFLICT (village_id) DO UPDATE SET devices_allocated = devices_allocated + excluded.devices_allocated, devices_delivered = devices_delivered + excluded.devices_delivered;
    INSERT INTO village_now (village_id, devices_allocated, devices_delivered)
    VALUES (NEW.village_id, CASE WHEN NEW.status = 'allocated' THEN 1 ELSE 0 END, CASE WHEN NEW.status = 'delivered' THEN 1 ELSE 0 END)
    ON CONFLICT (village_id) DO UPDATE SET devices_allocated = devices_allocated + excluded.devices_allocated, devices_delivered = devices_delivered + excluded.devices_delivered;
END;

-- Kept figures of the data already here are built by `domain::figures::rebuild` when the
-- migrations have run (`Db::migrate`), flagged by this key until then.
INSERT INTO app_meta (key, value) VALUES ('figures_stale', '1');
