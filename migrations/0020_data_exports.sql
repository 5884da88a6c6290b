-- Version 20: every export of personal data is itself a record (who, when, which file kind).
--
-- PIPL asks who took personal information out of the system; the op log answers it like every
-- other fact: a `data_export` operation per file written with names, ID numbers, phones or
-- per-household amounts (src/office/mod.rs `export_recorded`). Append-only, never edited.

CREATE TABLE data_exports (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects (id),
    kind         TEXT NOT NULL,              -- ledger, disclosure, settlement, notice, visit-record
    format       TEXT NOT NULL,              -- xlsx, docx, csv
    file_name    TEXT NOT NULL,              -- the file's name, not its folder
    scope        TEXT NOT NULL DEFAULT '',   -- a household number or group name; '' the whole plot
    rows         INTEGER NOT NULL,
    as_of        TEXT NOT NULL,
    exported_by  TEXT NOT NULL,
    exported_at  TEXT NOT NULL
);
CREATE INDEX data_exports_project ON data_exports (project_id, exported_at);
