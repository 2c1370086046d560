DROP INDEX tickets_assignee_status_rank_idx;
CREATE INDEX tickets_assignee_status_rank_idx ON tickets (assignee_id, status_id, rank, id);
