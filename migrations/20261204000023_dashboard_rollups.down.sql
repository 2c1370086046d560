DROP INDEX IF EXISTS tickets_assignee_resolved_idx;
DROP INDEX IF EXISTS tickets_assignee_created_idx;
DROP TRIGGER IF EXISTS statuses_dashboard_group ON statuses;
DROP FUNCTION IF EXISTS statuses_group_changed();
DROP FUNCTION IF EXISTS dashboard_rebuild();
DROP INDEX IF EXISTS sla_clocks_limit_idx;
DROP TRIGGER IF EXISTS sla_clocks_running_update ON sla_clocks;
DROP TRIGGER IF EXISTS sla_clocks_running_insert_delete ON sla_clocks;
DROP FUNCTION IF EXISTS sla_running_apply();
DROP FUNCTION IF EXISTS sla_running_rows(sla_clocks, bigint);
DROP TABLE IF EXISTS sla_running_counts;
DROP TRIGGER IF EXISTS tickets_sla_clocks_follow ON tickets;
CREATE OR REPLACE FUNCTION sla_clocks_follow_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sla_clocks SET queue_id = NEW.queue_id, category_id = NEW.category_id, requester_id = NEW.requester_id,
           affected_id = NEW.affected_id, assignee_id = NEW.assignee_id, allowed_roles = NEW.allowed_roles,
           network = NEW.network
     WHERE ticket_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_sla_clocks_follow
    AFTER UPDATE OF queue_id, category_id, requester_id, affected_id, assignee_id, allowed_roles, network ON tickets
    FOR EACH ROW WHEN (OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.requester_id IS DISTINCT FROM NEW.requester_id OR OLD.affected_id IS DISTINCT FROM NEW.affected_id
        OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.allowed_roles IS DISTINCT FROM NEW.allowed_roles
        OR OLD.network IS DISTINCT FROM NEW.network)
    EXECUTE FUNCTION sla_clocks_follow_ticket();
DROP TRIGGER IF EXISTS sla_clocks_channel_insert ON sla_clocks;
DROP FUNCTION IF EXISTS sla_clocks_channel();
ALTER TABLE sla_clocks DROP COLUMN IF EXISTS channel_id;
DROP TRIGGER IF EXISTS tickets_dashboard_update ON tickets;
CREATE TRIGGER tickets_dashboard_update
    AFTER UPDATE OF status_id, priority_id, queue_id, category_id, subcategory_id, channel_id, assignee_id, allowed_roles, created_at
    ON tickets FOR EACH ROW
    WHEN (OLD.status_id IS DISTINCT FROM NEW.status_id OR OLD.priority_id IS DISTINCT FROM NEW.priority_id
        OR OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.subcategory_id IS DISTINCT FROM NEW.subcategory_id OR OLD.channel_id IS DISTINCT FROM NEW.channel_id
        OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.allowed_roles IS DISTINCT FROM NEW.allowed_roles
        OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION dashboard_open_apply();
CREATE OR REPLACE FUNCTION dashboard_open_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_open_counts AS c (dim, val, queue_id, category_id, channel_id, allowed_roles, n)
    SELECT x.dim, x.val, x.queue_id, x.category_id, x.channel_id, x.allowed_roles, sum(x.n)
      FROM (SELECT * FROM dashboard_open_rows(OLD, -1) WHERE TG_OP IN ('UPDATE', 'DELETE')
            UNION ALL
            SELECT * FROM dashboard_open_rows(NEW, 1) WHERE TG_OP IN ('INSERT', 'UPDATE')) x
     GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(x.n) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (dim, val, queue_id, category_id, channel_id, allowed_roles) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
DROP FUNCTION IF EXISTS dashboard_day_rows(tickets, bigint);
DROP TABLE IF EXISTS dashboard_day_counts;
DROP FUNCTION IF EXISTS dashboard_open_total_rows(tickets, bigint);
DROP TABLE IF EXISTS dashboard_open_totals;
