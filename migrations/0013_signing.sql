-- Version 0013: signed operations (src/oplog/signing.rs).
--
-- Every operation written from this version on carries the hash of its device's previous
-- operation (`prev`, a per-device hash chain) and the device's Ed25519 signature over its
-- canonical bytes (`sig`, hex). Operations already in the log stay unsigned (both NULL):
-- they are accepted only before their device's first signed operation.
ALTER TABLE oplog ADD COLUMN prev TEXT;
ALTER TABLE oplog ADD COLUMN sig TEXT;

-- The public key each device signs with (hex). Filled from this installation's key when
-- a file takes a device id, and from bundle headers when operations of other devices are
-- merged; a device keeps the key it was first bound to.
CREATE TABLE device_keys (
    device_id  TEXT PRIMARY KEY,
    public_key TEXT NOT NULL
);
