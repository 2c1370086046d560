DROP TABLE ticket_transitions;
--bun:split
ALTER TABLE tickets DROP COLUMN workflow_version_id, DROP COLUMN state_entered_at, DROP COLUMN created_by;
--bun:split
ALTER TABLE categories DROP COLUMN workflow_id;
--bun:split
ALTER TABLE workflows DROP CONSTRAINT workflows_current_version_fk;
--bun:split
DROP TABLE workflow_versions, workflows;
--bun:split
-- The built-ins' statuses go when no ticket uses them.
DELETE FROM statuses s WHERE s.key IN ('data_review', 'missing_data', 'credit_decision', 'credit_accepted', 'credit_denied', 'rejected')
   AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.status_id = s.id);
