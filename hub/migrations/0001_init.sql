-- The hub's tables. Every table that grows with a project leads with its project, so the
-- project can become the partition key or Citus's distribution column (ARCHITECTURE.md).

-- A project as the hub knows it: its code (how tokens name it) and, from the first push,
-- its id; pages served to laptops are sent as from `hub_device`.
CREATE TABLE projects (
    code        text PRIMARY KEY,
    project_id  uuid UNIQUE,
    name        text NOT NULL DEFAULT '',
    hub_device  uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Access tokens, stored as SHA-256 of 32 random bytes: a device token is for one project,
-- an admin token issues device tokens. `device_id` is the laptop that last used it.
CREATE TABLE tokens (
    token_id     bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('admin', 'device')),
    project_code text REFERENCES projects (code),
    name         text NOT NULL,
    sha256       bytea NOT NULL UNIQUE,
    device_id    uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz,
    revoked_at   timestamptz,
    CHECK ((kind = 'device') = (project_code IS NOT NULL))
);

-- The operations, as the laptops wrote them (`body`, one JSON object), unique by
-- (device, seq) and by id within the project; `sha256` of the body tells a re-push of the
-- same operation from a different one under the same number.
CREATE TABLE ops (
    project_id  uuid NOT NULL,
    device_id   uuid NOT NULL,
    seq         bigint NOT NULL,
    op_id       uuid NOT NULL,
    hlc         bigint NOT NULL,
    sha256      bytea NOT NULL,
    body        text NOT NULL,
    token_id    bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, device_id, seq),
    UNIQUE (project_id, op_id)
);
-- Pull pages in replay order (hlc, device, id).
CREATE INDEX ops_replay ON ops (project_id, hlc, device_id, op_id);

-- Per project and device, the highest sequence number held: a device's operations are
-- stored as a prefix, so this says exactly what the hub has.
CREATE TABLE marks (
    project_id uuid NOT NULL,
    device_id  uuid NOT NULL,
    seq        bigint NOT NULL,
    PRIMARY KEY (project_id, device_id)
);

-- Refused pushes that carried another operation under a stored (device, seq) or id: a
-- fault or a forgery, kept for the district's administrator.
CREATE TABLE clashes (
    clash_id    bigserial PRIMARY KEY,
    project_id  uuid NOT NULL,
    device_id   uuid NOT NULL,
    seq         bigint NOT NULL,
    stored_sha  bytea,
    offered     text NOT NULL,
    token_id    bigint NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
