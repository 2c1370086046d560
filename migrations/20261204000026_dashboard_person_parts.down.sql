DROP INDEX IF EXISTS sla_result_days_day_idx;
DROP INDEX sla_clocks_assignee_breached_idx;
CREATE INDEX sla_clocks_assignee_breached_idx ON sla_clocks (assignee_id, breached_at) INCLUDE (clock, queue_id, allowed_roles)
    WHERE breached_at IS NOT NULL;
DROP INDEX sla_clocks_assignee_met_idx;
CREATE INDEX sla_clocks_assignee_met_idx ON sla_clocks (assignee_id, met_at) INCLUDE (clock, queue_id, allowed_roles)
    WHERE met_at IS NOT NULL AND breached_at IS NULL;
DROP INDEX sla_clocks_running_assignee_idx;
CREATE INDEX sla_clocks_running_assignee_idx ON sla_clocks (assignee_id) WHERE shown AND since IS NOT NULL;
