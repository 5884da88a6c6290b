-- Each laptop's Ed25519 public key, bound the first time a push names it (as a laptop binds
-- it on first sight); every signed operation stored was verified against it, and pulls hand
-- it on so the receiving laptop can check the signatures itself.
CREATE TABLE device_keys (
    project_id uuid NOT NULL,
    device_id  uuid NOT NULL,
    public_key text NOT NULL,
    bound_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, device_id)
);
