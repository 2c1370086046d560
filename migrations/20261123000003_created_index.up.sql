-- The records table under a creation date range sorts the range's tickets by their last change: with
-- updated_at in the index, that sort reads the index alone and then only the rows of the page.
DROP INDEX tickets_created_idx;
CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC) INCLUDE (updated_at);
