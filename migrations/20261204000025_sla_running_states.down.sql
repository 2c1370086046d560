DROP INDEX IF EXISTS sla_clocks_running_assignee_idx;
DROP INDEX IF EXISTS sla_clocks_at_risk_due_idx;
DROP INDEX IF EXISTS sla_clocks_unmarked_limit_idx;
CREATE INDEX sla_clocks_limit_idx ON sla_clocks ((least(at_risk_at, due_at)))
    INCLUDE (at_risk_at, due_at, queue_id, category_id, channel_id, requester_id, affected_id, assignee_id, allowed_roles, network)
    WHERE shown AND since IS NOT NULL AND breached_at IS NULL;

DROP TRIGGER sla_clocks_running_insert_delete ON sla_clocks;
DROP TRIGGER sla_clocks_running_update ON sla_clocks;
DROP TABLE sla_running_counts;
DROP FUNCTION sla_running_rows(sla_clocks, bigint);

CREATE TABLE sla_running_counts (
    breached      boolean NOT NULL,
    queue_id      bigint NOT NULL,
    category_id   bigint NOT NULL,
    channel_id    bigint NOT NULL,
    allowed_roles bigint[] NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (breached, queue_id, category_id, channel_id, allowed_roles)
);

CREATE FUNCTION sla_running_rows(k sla_clocks, d bigint) RETURNS TABLE (breached boolean, queue_id bigint,
    category_id bigint, channel_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql IMMUTABLE AS $$
    SELECT k.breached_at IS NOT NULL, coalesce(k.queue_id, 0), coalesce(k.category_id, 0), coalesce(k.channel_id, 0),
           k.allowed_roles, d
     WHERE k.shown AND k.since IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION sla_running_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sla_running_counts AS c (breached, queue_id, category_id, channel_id, allowed_roles, n)
    SELECT x.breached, x.queue_id, x.category_id, x.channel_id, x.allowed_roles, sum(x.n)
      FROM (SELECT * FROM sla_running_rows(OLD, -1) WHERE TG_OP IN ('UPDATE', 'DELETE')
            UNION ALL
            SELECT * FROM sla_running_rows(NEW, 1) WHERE TG_OP IN ('INSERT', 'UPDATE')) x
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(x.n) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (breached, queue_id, category_id, channel_id, allowed_roles) DO UPDATE SET n = c.n + EXCLUDED.n;

    INSERT INTO sla_result_days AS c (clock, result, day, queue_id, allowed_roles, n)
    SELECT x.clock, x.result, x.day, x.queue_id, x.allowed_roles, sum(x.n)
      FROM (SELECT * FROM sla_result_rows(OLD, -1) WHERE TG_OP IN ('UPDATE', 'DELETE')
            UNION ALL
            SELECT * FROM sla_result_rows(NEW, 1) WHERE TG_OP IN ('INSERT', 'UPDATE')) x
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(x.n) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (clock, result, day, queue_id, allowed_roles) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

CREATE TRIGGER sla_clocks_running_insert_delete AFTER INSERT OR DELETE ON sla_clocks
    FOR EACH ROW EXECUTE FUNCTION sla_running_apply();
CREATE TRIGGER sla_clocks_running_update AFTER UPDATE ON sla_clocks
    FOR EACH ROW
    WHEN (OLD.shown IS DISTINCT FROM NEW.shown OR (OLD.since IS NULL) IS DISTINCT FROM (NEW.since IS NULL)
        OR OLD.breached_at IS DISTINCT FROM NEW.breached_at OR OLD.met_at IS DISTINCT FROM NEW.met_at
        OR OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.channel_id IS DISTINCT FROM NEW.channel_id OR OLD.allowed_roles IS DISTINCT FROM NEW.allowed_roles)
    EXECUTE FUNCTION sla_running_apply();

CREATE OR REPLACE FUNCTION dashboard_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE dashboard_open_counts, dashboard_open_totals, dashboard_day_counts, sla_running_counts, sla_result_days
        IN EXCLUSIVE MODE;
    DELETE FROM dashboard_open_counts;
    DELETE FROM dashboard_open_totals;
    DELETE FROM dashboard_day_counts;
    DELETE FROM sla_running_counts;
    DELETE FROM sla_result_days;
    INSERT INTO dashboard_open_counts (dim, val, queue_id, category_id, channel_id, allowed_roles, n)
    SELECT r.dim, r.val, r.queue_id, r.category_id, r.channel_id, r.allowed_roles, sum(r.n)
      FROM tickets t CROSS JOIN LATERAL dashboard_open_rows(t, 1) r
     GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO dashboard_open_totals (dim, val, val2, queue_id, allowed_roles, n)
    SELECT r.dim, r.val, r.val2, r.queue_id, r.allowed_roles, sum(r.n)
      FROM tickets t CROSS JOIN LATERAL dashboard_open_total_rows(t, 1) r
     GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO dashboard_day_counts (kind, day, status_id, queue_id, allowed_roles, n)
    SELECT r.kind, r.day, r.status_id, r.queue_id, r.allowed_roles, sum(r.n)
      FROM tickets t CROSS JOIN LATERAL dashboard_day_rows(t, 1) r
     GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO sla_running_counts (breached, queue_id, category_id, channel_id, allowed_roles, n)
    SELECT r.breached, r.queue_id, r.category_id, r.channel_id, r.allowed_roles, sum(r.n)
      FROM sla_clocks k CROSS JOIN LATERAL sla_running_rows(k, 1) r
     GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO sla_result_days (clock, result, day, queue_id, allowed_roles, n)
    SELECT r.clock, r.result, r.day, r.queue_id, r.allowed_roles, sum(r.n)
      FROM sla_clocks k CROSS JOIN LATERAL sla_result_rows(k, 1) r
     GROUP BY 1, 2, 3, 4, 5;
END;
$$;

INSERT INTO sla_running_counts (breached, queue_id, category_id, channel_id, allowed_roles, n)
SELECT r.breached, r.queue_id, r.category_id, r.channel_id, r.allowed_roles, sum(r.n)
  FROM sla_clocks k CROSS JOIN LATERAL sla_running_rows(k, 1) r
 GROUP BY 1, 2, 3, 4, 5;
