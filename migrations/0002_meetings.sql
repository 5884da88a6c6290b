-- Jingdi schema, version 2: coordination meetings (会商).
-- A meeting is recorded once (append-only, like visits): when it was held, who attended,
-- and its decisions, each optionally linked to the obstacle it settles. The date of the
-- last meeting is the default "since" of the next meeting's brief.
CREATE TABLE meetings (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects (id),
    held_on      TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    attendees    TEXT NOT NULL DEFAULT '[]',   -- JSON array of names
    decisions    TEXT NOT NULL DEFAULT '[]',   -- JSON array of {text, obstacle_id, owner, due_on}
    notes        TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL
);
CREATE INDEX meetings_project ON meetings (project_id, held_on);
