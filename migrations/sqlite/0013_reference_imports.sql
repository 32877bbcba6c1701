-- The people of a place load their own reference data (villages, cultural houses, households,
-- accounts) from the tables they keep. A cultural house gets a stable code (given in the file, or
-- made from its village's code and its name), so importing the same list again finds each house
-- instead of adding it twice. A house whose position is not known yet stands at its village's (or
-- commune's) centre with `position_pending` set, until someone standing there places it; its
-- `position_accuracy_m` says how precise the phone's fix was.
ALTER TABLE cultural_house ADD COLUMN code TEXT;
ALTER TABLE cultural_house ADD COLUMN position_pending INTEGER NOT NULL DEFAULT 0 CHECK (position_pending IN (0, 1));
ALTER TABLE cultural_house ADD COLUMN position_accuracy_m REAL CHECK (position_accuracy_m IS NULL OR position_accuracy_m >= 0);
CREATE UNIQUE INDEX cultural_house_code ON cultural_house (code);
-- A household list is matched by village and label on a re-import.
CREATE INDEX household_village_label ON household (village_id, label);
