-- Indexes the screens need at district scale (BENCHMARKS.md, "Views"). No table changes.

-- "Is this visit corrected?" is asked for every visit the dashboard and the board look at;
-- without it SQLite built a temporary index over every visit of the file at each query.
CREATE INDEX visits_corrects ON visits (corrects) WHERE corrects IS NOT NULL;
