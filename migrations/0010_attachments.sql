-- Version 10 (evidence): photos and scanned documents attached to records.
--
-- The file itself lives in the content-addressed store beside the database
-- (`<db>.files/objects/ab/<sha256>`, src/evidence/store.rs); a row here is its metadata,
-- written only by replaying `attachment` operations. Never edited: withdrawn with a reason,
-- the file kept. GPS in 1e-7 degrees (integers, like every stored quantity).

CREATE TABLE attachments (
    id               TEXT PRIMARY KEY,
    project_id       TEXT NOT NULL REFERENCES projects (id),
    household_id     TEXT REFERENCES households (id),  -- the household the target belongs to, if any
    target           TEXT NOT NULL,                    -- household, visit, inventory_item, compensation_item, pole, obstacle, demolition_log
    target_id        TEXT NOT NULL,
    kind             TEXT NOT NULL,                    -- house_photo, crops_photo, agreement_scan, appraisal_report, payment_voucher, other
    sha256           TEXT NOT NULL,
    size             INTEGER NOT NULL,                 -- bytes
    media_type       TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    taken_at         TEXT,                             -- EXIF, as the camera's clock said
    latitude_e7      INTEGER,
    longitude_e7     INTEGER,
    width            INTEGER,
    height           INTEGER,
    note             TEXT NOT NULL DEFAULT '',
    attached_by      TEXT NOT NULL,
    attached_at      TEXT NOT NULL,
    withdrawn        INTEGER NOT NULL DEFAULT 0,
    withdrawn_reason TEXT,
    withdrawn_by     TEXT,
    withdrawn_on     TEXT
);
CREATE INDEX attachments_target ON attachments (target_id);
CREATE INDEX attachments_household ON attachments (household_id);
CREATE INDEX attachments_project ON attachments (project_id, sha256);
