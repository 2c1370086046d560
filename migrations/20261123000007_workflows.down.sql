DROP TABLE ticket_transitions;
--bun:split
ALTER TABLE tickets DROP COLUMN workflow_version_id, DROP COLUMN state_entered_at, DROP COLUMN created_by;
--bun:split
ALTER TABLE categories DROP COLUMN workflow_id;
--bun:split
ALTER TABLE workflows DROP CONSTRAINT workflows_current_version_fk;
--bun:split
DROP TABLE workflow_versions, workflows;
