-- Jingdi schema, version 1: the case ledger and its operation log.
--
-- Domain tables are a projection of the operation log: they are written only by
-- src/oplog/apply.rs, which replays operations. Nothing is ever deleted.
-- Money is integer fen (分); areas are integer 0.01 m²; dates are ISO 'YYYY-MM-DD';
-- instants are RFC 3339 text in UTC. JSON arrays are stored as text.

-- ---------------------------------------------------------------- the log
CREATE TABLE oplog (
    id          TEXT PRIMARY KEY,             -- UUIDv7
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,             -- per-device, 1, 2, 3, ... without gaps
    hlc         INTEGER NOT NULL,             -- hybrid logical clock: ms << 16 | counter
    author      TEXT NOT NULL,
    project_id  TEXT,                         -- NULL only for device-wide records
    entity      TEXT NOT NULL,                -- entity kind, e.g. 'household'
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'append')),
    fields      TEXT NOT NULL,                -- JSON object: the field values this operation set
    reason      TEXT,                         -- why, where a rule asks for one
    recorded_at TEXT NOT NULL,                -- wall-clock instant of the writing device
    UNIQUE (device_id, seq)
);
CREATE INDEX oplog_entity ON oplog (entity_id, hlc);
CREATE INDEX oplog_project_time ON oplog (project_id, hlc);

CREATE TRIGGER oplog_is_append_only_update BEFORE UPDATE ON oplog
BEGIN SELECT RAISE(ABORT, 'the operation log is append-only'); END;
CREATE TRIGGER oplog_is_append_only_delete BEFORE DELETE ON oplog
BEGIN SELECT RAISE(ABORT, 'the operation log is append-only'); END;

-- This installation: its device id and name, and who works at it. Never synced.
CREATE TABLE local_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Per-device watermarks: the highest sequence number and clock seen from each device.
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    last_seq  INTEGER NOT NULL,
    last_hlc  INTEGER NOT NULL
);

-- ---------------------------------------------------------------- domain
CREATE TABLE projects (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    city             TEXT NOT NULL DEFAULT '',
    district         TEXT NOT NULL DEFAULT '',
    street           TEXT NOT NULL DEFAULT '',
    community        TEXT NOT NULL DEFAULT '',
    window_opens_on  TEXT NOT NULL,
    window_closes_on TEXT NOT NULL,
    clearance_target TEXT,
    status           TEXT NOT NULL,
    as_of            TEXT                      -- a historical project is shown as of this date
);

CREATE TABLE staff (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id),
    name       TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_project ON staff (project_id);

CREATE TABLE work_groups (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id),
    name       TEXT NOT NULL,
    leader_id  TEXT REFERENCES staff (id),
    members    TEXT NOT NULL DEFAULT '[]',     -- JSON array of staff ids
    UNIQUE (project_id, name)
);

CREATE TABLE households (
    id                    TEXT PRIMARY KEY,
    project_id            TEXT NOT NULL REFERENCES projects (id),
    number                TEXT NOT NULL,
    head_name             TEXT NOT NULL,
    id_number             TEXT,
    phone                 TEXT NOT NULL DEFAULT '',
    address               TEXT NOT NULL DEFAULT '',
    members_count         INTEGER NOT NULL DEFAULT 1,
    special_circumstances TEXT NOT NULL DEFAULT '[]',
    floor_area            INTEGER NOT NULL DEFAULT 0,   -- 0.01 m²
    land_area             INTEGER NOT NULL DEFAULT 0,   -- 0.01 m²
    structure             TEXT NOT NULL DEFAULT '',
    group_id              TEXT NOT NULL REFERENCES work_groups (id),
    concerns              TEXT NOT NULL DEFAULT '[]',
    difficulty            TEXT,
    strategy              TEXT NOT NULL DEFAULT '',
    stage                 TEXT NOT NULL,
    agreement_no          TEXT,
    agreement_date        TEXT,
    compensation_mode     TEXT,
    signed_area           INTEGER,                      -- 0.01 m²
    UNIQUE (project_id, number)
);
CREATE INDEX households_group ON households (group_id);

CREATE TABLE stage_events (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    from_stage   TEXT NOT NULL,
    to_stage     TEXT NOT NULL,
    reached_on   TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    reason       TEXT
);
CREATE INDEX stage_events_household ON stage_events (household_id, reached_on);

CREATE TABLE compensation_items (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    kind         TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    amount       INTEGER NOT NULL,             -- fen
    status       TEXT NOT NULL,
    confirmed_on TEXT,
    paid_on      TEXT,
    voucher_no   TEXT,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX compensation_household ON compensation_items (household_id);

CREATE TABLE visits (
    id            TEXT PRIMARY KEY,
    household_id  TEXT NOT NULL REFERENCES households (id),
    visited_at    TEXT NOT NULL,
    visitors      TEXT NOT NULL DEFAULT '[]',
    kind          TEXT NOT NULL,
    outcome       TEXT NOT NULL DEFAULT '',
    concerns      TEXT NOT NULL DEFAULT '[]',
    promises      TEXT NOT NULL DEFAULT '',
    next_step     TEXT NOT NULL DEFAULT '',
    follow_up_on  TEXT,
    corrects      TEXT REFERENCES visits (id),
    recorded_by   TEXT NOT NULL
);
CREATE INDEX visits_household ON visits (household_id, visited_at);

CREATE TABLE obstacles (
    id                 TEXT PRIMARY KEY,
    project_id         TEXT NOT NULL REFERENCES projects (id),
    household_id       TEXT REFERENCES households (id),
    title              TEXT NOT NULL,
    category           TEXT NOT NULL,
    responsible_unit   TEXT NOT NULL DEFAULT '',
    responsible_person TEXT NOT NULL DEFAULT '',
    raised_on          TEXT NOT NULL,
    due_on             TEXT,
    status             TEXT NOT NULL,
    resolution         TEXT NOT NULL DEFAULT '',
    resolved_on        TEXT,
    blocks_stage       TEXT
);
CREATE INDEX obstacles_project ON obstacles (project_id, status);

CREATE TABLE poles (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects (id),
    label        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    owner_unit   TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    status_on    TEXT,
    UNIQUE (project_id, label)
);

CREATE TABLE demolition_logs (
    id                 TEXT PRIMARY KEY,
    project_id         TEXT NOT NULL REFERENCES projects (id),
    log_date           TEXT NOT NULL,
    machines           INTEGER NOT NULL DEFAULT 0,
    workers            INTEGER NOT NULL DEFAULT 0,
    demolished         TEXT NOT NULL DEFAULT '[]',  -- JSON array of household ids
    notes              TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, log_date)
);

CREATE TABLE checklist_items (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id),
    title      TEXT NOT NULL,
    category   TEXT NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    done_on    TEXT,
    note       TEXT NOT NULL DEFAULT ''
);
