-- The network name (SSID) of a cultural house's Wi-Fi, and whether the public map may show it.
-- Booleans are 0/1 integers in both dialects so the same queries run on both.
ALTER TABLE cultural_house ADD COLUMN ssid TEXT;
ALTER TABLE cultural_house ADD COLUMN ssid_public INTEGER NOT NULL DEFAULT 0 CHECK (ssid_public IN (0, 1));
ALTER TABLE wifi_change ADD COLUMN ssid TEXT;
ALTER TABLE wifi_change ADD COLUMN ssid_public INTEGER NOT NULL DEFAULT 0 CHECK (ssid_public IN (0, 1));
