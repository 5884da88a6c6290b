-- Version 3: attachment files (photos, scans) of a project, by SHA-256, apart from the
-- operations that name them (a laptop syncs operations first and files after). Verified on
-- arrival: the bytes hash to their name, so the hub never hands out a damaged copy.
CREATE TABLE files (
    project_id  uuid NOT NULL,
    sha256      text NOT NULL,
    bytes       bytea NOT NULL,
    size        bigint NOT NULL,
    token_id    bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, sha256)
);
