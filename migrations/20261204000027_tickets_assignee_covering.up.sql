-- An agent's or supervisor's own open tickets outside the dashboard's rollups (access.OutsideOpenCounts,
-- the assignee's part) are read from the board's (assignee, status) index alone: it now carries the other
-- people (to leave out the earlier parts), what visibility and the widget filters read, and every
-- dimension the open-ticket widgets count by. Same keys and order, so the board reads it as before.
DROP INDEX tickets_assignee_status_rank_idx;
CREATE INDEX tickets_assignee_status_rank_idx ON tickets (assignee_id, status_id, rank, id)
    INCLUDE (requester_id, affected_id, queue_id, allowed_roles, priority_id, category_id, subcategory_id, channel_id, created_at);
