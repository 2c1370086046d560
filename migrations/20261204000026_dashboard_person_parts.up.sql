-- A user who does not see every ticket counts their own tickets outside the rollups in parts, one per way
-- they see a ticket as a person, each leaving out the earlier ones (access.OutsideParts). The assignee's
-- part over the clocks, the largest for staff, is read from these indexes alone: each carries the other
-- people (to leave out the earlier parts), what visibility and the filters read, and what is counted.
DROP INDEX sla_clocks_running_assignee_idx;
CREATE INDEX sla_clocks_running_assignee_idx ON sla_clocks (assignee_id)
    INCLUDE (requester_id, affected_id, queue_id, category_id, channel_id, allowed_roles, breached_at, at_risk_fired_at)
    WHERE shown AND since IS NOT NULL;
DROP INDEX sla_clocks_assignee_met_idx;
CREATE INDEX sla_clocks_assignee_met_idx ON sla_clocks (assignee_id, met_at)
    INCLUDE (clock, requester_id, affected_id, queue_id, allowed_roles)
    WHERE met_at IS NOT NULL AND breached_at IS NULL;
DROP INDEX sla_clocks_assignee_breached_idx;
CREATE INDEX sla_clocks_assignee_breached_idx ON sla_clocks (assignee_id, breached_at)
    INCLUDE (clock, requester_id, affected_id, queue_id, allowed_roles)
    WHERE breached_at IS NOT NULL;

-- The compliance of a period sums its days' rows of every clock and result: by day first.
CREATE INDEX sla_result_days_day_idx ON sla_result_days (day) INCLUDE (clock, result, queue_id, allowed_roles, n);
