-- Version 0017: laptops admitted to a project, and their roles (src/admission.rs).
--
-- `projects.owner_key`: the project key's public half (Ed25519, hex), set once, by the
-- laptop that closes the project (its 指挥部 laptop holds the secret half). A project
-- without one (every project from before this version, and any project no laptop has been
-- admitted to yet) stays open: every device writes with every role, as before.
ALTER TABLE projects ADD COLUMN owner_key TEXT;
-- Set with it: {device: seq} of the operations the closing laptop held, accepted as the
-- project's history from before admissions (whoever wrote them).
ALTER TABLE projects ADD COLUMN legacy_marks TEXT;

-- One admission per device and project, signed by the project key (`signature` covers
-- every other column but `id`); a revocation is a new signed state of the same record.
CREATE TABLE members (
    id                TEXT PRIMARY KEY,
    project_id        TEXT NOT NULL REFERENCES projects (id),
    device_id         TEXT NOT NULL,
    public_key        TEXT NOT NULL,
    name              TEXT NOT NULL,
    role              TEXT NOT NULL,              -- command | field | finance | supervisor
    valid_from        TEXT NOT NULL,
    valid_until       TEXT,
    revoked_after_seq INTEGER,                    -- operations of the device after this number are refused
    revoke_reason     TEXT,
    signature         TEXT NOT NULL
);
CREATE UNIQUE INDEX members_device ON members (project_id, device_id);
