DROP TRIGGER tickets_resolved_at_update ON tickets;
DROP TRIGGER tickets_resolved_at_insert ON tickets;
DROP FUNCTION tickets_resolved_at();
ALTER TABLE tickets DROP COLUMN resolved_at, DROP COLUMN first_response_at;
