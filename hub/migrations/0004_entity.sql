-- Each operation's entity, so a push reads a project's admissions (its `project` and
-- `member` operations: the project key and the admitted laptops) without parsing every
-- operation it holds (ARCHITECTURE.md, "The district hub": the hub accepts nothing a
-- laptop would refuse at import).
ALTER TABLE ops ADD COLUMN entity text;
UPDATE ops SET entity = body::jsonb ->> 'entity';
ALTER TABLE ops ALTER COLUMN entity SET NOT NULL;
CREATE INDEX ops_admissions ON ops (project_id) WHERE entity IN ('project', 'member');
