-- Per-village totals of visits for the map's visits layer (issue 8). At national scale the
-- country has millions of visits: the layer reads one row per village from this table instead of
-- counting visits on every view. Triggers keep it exact on every insert, edit and delete, so no
-- code path can forget it.
CREATE TABLE village_visit_total (
    village_id     INTEGER PRIMARY KEY REFERENCES admin_unit (id),
    visits         INTEGER NOT NULL DEFAULT 0,
    people_helped  INTEGER NOT NULL DEFAULT 0,
    -- Visits with a GPS position, and the sums of their coordinates: `lon`/`lat` are their mean,
    -- where the village is drawn (NULL while no visit has a position).
    positioned     INTEGER NOT NULL DEFAULT 0,
    sum_lon        REAL NOT NULL DEFAULT 0,
    sum_lat        REAL NOT NULL DEFAULT 0,
    lon            REAL,
    lat            REAL
);
-- Covering indexes: a map view reads what it needs from the index alone, without visiting the
-- table once per row (100,000 lookups in a country view).
CREATE INDEX village_visit_total_position ON village_visit_total (lon, lat, visits, people_helped, village_id);
DROP INDEX cultural_house_position;
CREATE INDEX cultural_house_position ON cultural_house (lon, lat, wifi_status, village_id, id);

INSERT INTO village_visit_total (village_id, visits, people_helped, positioned, sum_lon, sum_lat, lon, lat)
SELECT village_id, COUNT(*), SUM(people_helped), COUNT(lon), COALESCE(SUM(lon), 0), COALESCE(SUM(lat), 0),
       AVG(lon), AVG(lat)
FROM visit GROUP BY village_id;

CREATE TRIGGER village_visit_total_add AFTER INSERT ON visit
BEGIN
    INSERT OR IGNORE INTO village_visit_total (village_id) VALUES (NEW.village_id);
    UPDATE village_visit_total
    SET visits = visits + 1,
        people_helped = people_helped + NEW.people_helped,
        positioned = positioned + (NEW.lon IS NOT NULL),
        sum_lon = sum_lon + COALESCE(NEW.lon, 0),
        sum_lat = sum_lat + COALESCE(NEW.lat, 0),
        lon = CASE WHEN positioned + (NEW.lon IS NOT NULL) > 0
                   THEN (sum_lon + COALESCE(NEW.lon, 0)) / (positioned + (NEW.lon IS NOT NULL)) END,
        lat = CASE WHEN positioned + (NEW.lon IS NOT NULL) > 0
                   THEN (sum_lat + COALESCE(NEW.lat, 0)) / (positioned + (NEW.lon IS NOT NULL)) END
    WHERE village_id = NEW.village_id;
END;

CREATE TRIGGER village_visit_total_remove AFTER DELETE ON visit
BEGIN
    UPDATE village_visit_total
    SET visits = visits - 1,
        people_helped = people_helped - OLD.people_helped,
        positioned = positioned - (OLD.lon IS NOT NULL),
        sum_lon = sum_lon - COALESCE(OLD.lon, 0),
        sum_lat = sum_lat - COALESCE(OLD.lat, 0),
        lon = CASE WHEN positioned - (OLD.lon IS NOT NULL) > 0
                   THEN (sum_lon - COALESCE(OLD.lon, 0)) / (positioned - (OLD.lon IS NOT NULL)) END,
        lat = CASE WHEN positioned - (OLD.lon IS NOT NULL) > 0
                   THEN (sum_lat - COALESCE(OLD.lat, 0)) / (positioned - (OLD.lon IS NOT NULL)) END
    WHERE village_id = OLD.village_id;
END;

-- An edit is the old visit taken out and the new one put in (the village may even change).
CREATE TRIGGER village_visit_total_edit AFTER UPDATE OF village_id, people_helped, lon, lat ON visit
BEGIN
    UPDATE village_visit_total
    SET visits = visits - 1,
        people_helped = people_helped - OLD.people_helped,
        positioned = positioned - (OLD.lon IS NOT NULL),
        sum_lon = sum_lon - COALESCE(OLD.lon, 0),
        sum_lat = sum_lat - COALESCE(OLD.lat, 0),
        lon = CASE WHEN positioned - (OLD.lon IS NOT NULL) > 0
                   THEN (sum_lon - COALESCE(OLD.lon, 0)) / (positioned - (OLD.lon IS NOT NULL)) END,
        lat = CASE WHEN positioned - (OLD.lon IS NOT NULL) > 0
                   THEN (sum_lat - COALESCE(OLD.lat, 0)) / (positioned - (OLD.lon IS NOT NULL)) END
    WHERE village_id = OLD.village_id;
    INSERT OR IGNORE INTO village_visit_total (village_id) VALUES (NEW.village_id);
    UPDATE village_visit_total
    SET visits = visits + 1,
        people_helped = people_helped + NEW.people_helped,
        positioned = positioned + (NEW.lon IS NOT NULL),
        sum_lon = sum_lon + COALESCE(NEW.lon, 0),
        sum_lat = sum_lat + COALESCE(NEW.lat, 0),
        lon = CASE WHEN positioned + (NEW.lon IS NOT NULL) > 0
                   THEN (sum_lon + COALESCE(NEW.lon, 0)) / (positioned + (NEW.lon IS NOT NULL)) END,
        lat = CASE WHEN positioned + (NEW.lon IS NOT NULL) > 0
                   THEN (sum_lat + COALESCE(NEW.lat, 0)) / (positioned + (NEW.lon IS NOT NULL)) END
    WHERE village_id = NEW.village_id;
END;
