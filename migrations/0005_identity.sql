-- Version 5: device identities that cannot be cloned (src/identity.rs).
--
-- Every device id this file has written under, the current one last. Local to the file and
-- never synced. A file copied to another laptop, or an older copy restored, starts a new
-- device id; the old one stays here and in the log as history.
CREATE TABLE device_identities (
    device_id       TEXT PRIMARY KEY,
    installation_id TEXT,              -- NULL: written before installations were recorded
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    reason          TEXT NOT NULL,     -- new, copied, behind, restored, upgraded
    name            TEXT NOT NULL DEFAULT ''
);

INSERT INTO device_identities (device_id, started_at, reason, name)
SELECT value, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'upgraded',
       coalesce((SELECT value FROM local_settings WHERE key = 'device_name'), '')
FROM local_settings WHERE key = 'device_id';
