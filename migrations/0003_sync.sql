-- Version 3: merging laptops.
--
-- Each operation carries its causal context: for every other device, the highest sequence
-- number of that device's operations on the same project the writer had seen. Two
-- operations on the same field are concurrent (a conflict) when neither context covers
-- the other.
ALTER TABLE oplog ADD COLUMN context TEXT NOT NULL DEFAULT '{}';

-- Per project and device: the highest sequence number held here. Operations of a device on
-- a project always arrive as a prefix (bundles carry everything above the recipient's mark).
CREATE TABLE watermarks (
    project_id TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (project_id, device_id)
) WITHOUT ROWID;

INSERT INTO watermarks (project_id, device_id, seq)
SELECT project_id, device_id, max(seq) FROM oplog WHERE project_id IS NOT NULL GROUP BY project_id, device_id;

-- What each peer had seen when it last sent us a bundle, and when that was. Local only.
CREATE TABLE sync_peers (
    project_id   TEXT NOT NULL,
    peer_device  TEXT NOT NULL,
    peer_name    TEXT NOT NULL DEFAULT '',
    last_seen_at TEXT NOT NULL,              -- when the peer wrote its latest bundle
    imported_at  TEXT NOT NULL,              -- when we imported it
    seen         TEXT NOT NULL DEFAULT '{}', -- JSON: device -> highest seq the peer holds
    PRIMARY KEY (project_id, peer_device)
);

-- Concurrent edits of the same field, found when a bundle is imported. Local and derived:
-- every device finds the same pairs; a pair is settled once a later operation on the field
-- has seen both.
CREATE TABLE sync_conflicts (
    op_a        TEXT NOT NULL,   -- the smaller operation id of the pair
    op_b        TEXT NOT NULL,
    field       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    project_id  TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    PRIMARY KEY (op_a, op_b, field)
) WITHOUT ROWID;
CREATE INDEX sync_conflicts_entity ON sync_conflicts (entity_id, field);
