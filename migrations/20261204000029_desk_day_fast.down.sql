CREATE OR REPLACE FUNCTION desk_day(ts timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT ((ts AT TIME ZONE desk_zone())::date - DATE '1970-01-01')::bigint
$$;

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
    INSERT INTO sla_running_counts (breached, at_risk, queue_id, category_id, channel_id, allowed_roles, n)
    SELECT r.breached, r.at_risk, r.queue_id, r.category_id, r.channel_id, r.allowed_roles, sum(r.n)
      FROM sla_clocks k CROSS JOIN LATERAL sla_running_rows(k, 1) r
     GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO sla_result_days (clock, result, day, queue_id, allowed_roles, n)
    SELECT r.clock, r.result, r.day, r.queue_id, r.allowed_roles, sum(r.n)
      FROM sla_clocks k CROSS JOIN LATERAL sla_result_rows(k, 1) r
     GROUP BY 1, 2, 3, 4, 5;
END;
$$;
