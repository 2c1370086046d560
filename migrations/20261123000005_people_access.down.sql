CREATE INDEX tickets_affected_idx ON tickets (affected_id);
DROP INDEX tickets_affected_updated_idx;
ALTER TABLE tickets DROP COLUMN network, DROP COLUMN allowed_roles;
ALTER TABLE categories DROP COLUMN role_ids;
ALTER TABLE queues DROP COLUMN supervisor_ids, DROP COLUMN role_ids;
--bun:split
DROP TABLE user_tokens, person_contacts;
DROP TRIGGER users_ancestors_insert ON users;
DROP FUNCTION users_ancestors_init();
ALTER TABLE users DROP CONSTRAINT users_sponsor_not_self, DROP COLUMN updated_at, DROP COLUMN version,
    DROP COLUMN ancestors, DROP COLUMN sponsor_id, DROP COLUMN commercial_status, DROP COLUMN rank,
    DROP COLUMN document_id, DROP COLUMN kind;
--bun:split
DROP TABLE user_roles, role_permissions, roles;
