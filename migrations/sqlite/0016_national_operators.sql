-- The country's three national mobile operators, known from the first run: a place going live on
-- an empty database names them as Wi-Fi providers, in coverage reports, telecom accounts and the
-- SIM picker of a measurement. Operators are data, not places: more are added with
-- `bandoso operator add CODE NAME`; existing rows (the demo's, a deployment's) are left as they are.
INSERT INTO operator (code, name) VALUES ('viettel', 'Viettel'), ('vnpt', 'VNPT'), ('mobifone', 'MobiFone')
ON CONFLICT (code) DO NOTHING;
