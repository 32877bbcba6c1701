-- A household's open allocations, found by household: whether it still waits for a device is
-- asked by the triggers of every household and allocation write and by the kept figures'
-- rebuild (`NOT EXISTS (… allocation WHERE household_id = … AND status <> 'cancelled')`). The
-- partial unique index on (household_id, item) holds allocated rows only, so without this
-- index each of those questions read the whole allocation table: at national scale (200,000
-- allocations, 1,000,000 households) the rebuild did not finish in 15 minutes on SQLite.
CREATE INDEX allocation_household ON allocation (household_id, status);
