-- Per-village totals of visits for the map's visits layer (issue 8). At national scale the
-- country has millions of visits: the layer reads one row per village from this table instead of
-- counting visits on every view. A trigger keeps it exact on every insert, edit and delete, so no
-- code path can forget it.
CREATE TABLE village_visit_total (
    village_id     BIGINT PRIMARY KEY REFERENCES admin_unit (id),
    visits         BIGINT NOT NULL DEFAULT 0,
    people_helped  BIGINT NOT NULL DEFAULT 0,
    -- Visits with a GPS position, and the sums of their coordinates: `lon`/`lat` are their mean,
    -- where the village is drawn (NULL while no visit has a position).
    positioned     BIGINT NOT NULL DEFAULT 0,
    sum_lon        DOUBLE PRECISION NOT NULL DEFAULT 0,
    sum_lat        DOUBLE PRECISION NOT NULL DEFAULT 0,
    lon            DOUBLE PRECISION,
    lat            DOUBLE PRECISION
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

-- Adds one visit (sign 1) to its village's totals, or takes it out (sign -1).
CREATE FUNCTION village_visit_total_apply(
    target_village BIGINT, sign INTEGER, people INTEGER, visit_lon DOUBLE PRECISION, visit_lat DOUBLE PRECISION
) RETURNS void AS $$
BEGIN
    INSERT INTO village_visit_total AS total (village_id, visits, people_helped, positioned, sum_lon, sum_lat, lon, lat)
    VALUES (target_village, sign, sign * people, CASE WHEN visit_lon IS NULL THEN 0 ELSE sign END,
            sign * COALESCE(visit_lon, 0), sign * COALESCE(visit_lat, 0), visit_lon, visit_lat)
    ON CONFLICT (village_id) DO UPDATE
    SET visits = total.visits + EXCLUDED.visits,
        people_helped = total.people_helped + EXCLUDED.people_helped,
        positioned = total.positioned + EXCLUDED.positioned,
        sum_lon = total.sum_lon + EXCLUDED.sum_lon,
        sum_lat = total.sum_lat + EXCLUDED.sum_lat,
        lon = CASE WHEN total.positioned + EXCLUDED.positioned > 0
                   THEN (total.sum_lon + EXCLUDED.sum_lon) / (total.positioned + EXCLUDED.positioned) END,
        lat = CASE WHEN total.positioned + EXCLUDED.positioned > 0
                   THEN (total.sum_lat + EXCLUDED.sum_lat) / (total.positioned + EXCLUDED.positioned) END;
END;
$$ LANGUAGE plpgsql;

-- An edit is the old visit taken out and the new one put in (the village may even change).
CREATE FUNCTION village_visit_total_track() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM village_visit_total_apply(OLD.village_id, -1, OLD.people_helped, OLD.lon, OLD.lat);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM village_visit_total_apply(NEW.village_id, 1, NEW.people_helped, NEW.lon, NEW.lat);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER village_visit_total_track
AFTER INSERT OR DELETE OR UPDATE OF village_id, people_helped, lon, lat ON visit
FOR EACH ROW EXECUTE FUNCTION village_visit_total_track();
