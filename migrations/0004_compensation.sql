-- Version 4: compensation computed from the plot's published standards.
--
-- A standard is a versioned set of unit prices per project (append-only: a change is a new
-- version). Households get a crops-and-attachments inventory (地上附着物及青苗), and each
-- compensation item may be calculated from a standard version: it then keeps the key of
-- the rule that produced it, the formula with the numbers filled in, the calculated
-- amount and any manual adjustment (with its reason and author). Money is integer fen,
-- quantities integer hundredths of their unit.

CREATE TABLE compensation_standards (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects (id),
    version      INTEGER NOT NULL,             -- 1, 2, 3, ... per project
    effective_on TEXT NOT NULL,
    rules        TEXT NOT NULL,                -- JSON: unit prices, tiers, catalogue (src/compensation/standards.rs)
    note         TEXT NOT NULL DEFAULT '',
    published_by TEXT NOT NULL
);
CREATE INDEX compensation_standards_project ON compensation_standards (project_id, version);

CREATE TABLE inventory_items (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    code         TEXT NOT NULL,                -- catalogue code in the standards, e.g. 'vegetables'
    name         TEXT NOT NULL,
    unit         TEXT NOT NULL,
    quantity     INTEGER NOT NULL,             -- hundredths of the unit
    owner        TEXT,                         -- when not the household (tenant, neighbour)
    surveyed_on  TEXT,
    surveyor     TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    withdrawn    INTEGER NOT NULL DEFAULT 0    -- entered by mistake; nothing is deleted
);
CREATE INDEX inventory_household ON inventory_items (household_id);

ALTER TABLE compensation_items ADD COLUMN calc_key TEXT;              -- NULL: entered directly
ALTER TABLE compensation_items ADD COLUMN formula TEXT NOT NULL DEFAULT '';
ALTER TABLE compensation_items ADD COLUMN standard_id TEXT REFERENCES compensation_standards (id);
ALTER TABLE compensation_items ADD COLUMN calculated_amount INTEGER;  -- fen, before adjustment
ALTER TABLE compensation_items ADD COLUMN adjustment INTEGER NOT NULL DEFAULT 0;  -- fen, signed
ALTER TABLE compensation_items ADD COLUMN adjustment_reason TEXT;
ALTER TABLE compensation_items ADD COLUMN adjusted_by TEXT;
ALTER TABLE compensation_items ADD COLUMN payee TEXT;

ALTER TABLE households ADD COLUMN agreement_amount INTEGER;           -- fen, as written in the agreement
ALTER TABLE households ADD COLUMN appraised_value INTEGER;            -- fen, replaces the per-m² house value
