DROP TABLE idempotency_keys, saved_views, ticket_links, attachments, ticket_comments;
DROP INDEX users_name_trgm_idx, users_email_trgm_idx;
CREATE INDEX tickets_requester_idx ON tickets (requester_id);
ALTER TABLE tickets DROP COLUMN search, DROP COLUMN merged_into_id, DROP COLUMN due_at, DROP COLUMN tags,
    DROP COLUMN order_number, DROP COLUMN affected_id, DROP COLUMN queue_id, DROP COLUMN subcategory_id,
    DROP COLUMN category_id, DROP COLUMN channel_id;
DROP INDEX IF EXISTS tickets_updated_idx, tickets_created_idx;
ALTER TABLE users ALTER COLUMN password_hash DROP DEFAULT;
DROP TABLE catalog_changes, settings, canned_responses, note_reasons, queues, channels, kb_categories, categories;
ALTER TABLE priorities DROP COLUMN version;
ALTER TABLE statuses DROP COLUMN version, DROP COLUMN pauses_sla;
DROP FUNCTION atiende_unaccent(text);
