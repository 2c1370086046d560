DROP INDEX tickets_created_idx;
CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC);
