-- The dashboard's counts of OPEN tickets (status not in the DONE group), kept by a trigger on tickets so
-- that a state widget sums a few hundred rows instead of counting tickets. One row per widget dimension
-- (dim: status, priority, queue, subcategory, assignee, day of creation) and value, under the columns the
-- widgets filter by (queue, category, channel) and the visibility columns an aggregate can answer (queue
-- for supervisors, allowed roles for customer service); access.OpenCountsFilter decides which rows a user
-- counts, and the rest of what they see (their own tickets) is counted on tickets by
-- access.OutsideOpenCounts. A missing queue, category, channel, subcategory or assignee is 0. The keys
-- are fine-grained (a queue, a category and a channel each), so that concurrent writers rarely meet on
-- one row; each change writes its rows in one statement in key order, so two writers never deadlock.
CREATE TABLE dashboard_open_counts (
    dim           text NOT NULL,
    val           bigint NOT NULL,
    queue_id      bigint NOT NULL,
    category_id   bigint NOT NULL,
    channel_id    bigint NOT NULL,
    allowed_roles bigint[] NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (dim, val, queue_id, category_id, channel_id, allowed_roles)
);

CREATE FUNCTION dashboard_open_rows(t tickets, d bigint) RETURNS TABLE (dim text, val bigint, queue_id bigint,
    category_id bigint, channel_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.dim, k.val, coalesce(t.queue_id, 0), coalesce(t.category_id, 0), coalesce(t.channel_id, 0), t.allowed_roles, d
      FROM (VALUES ('status', t.status_id), ('priority', t.priority_id), ('queue', coalesce(t.queue_id, 0)),
                   ('subcategory', coalesce(t.subcategory_id, 0)), ('assignee', coalesce(t.assignee_id, 0)),
                   ('day', ((t.created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint)) AS k (dim, val)
     WHERE EXISTS (SELECT 1 FROM statuses s WHERE s.id = t.status_id AND s.grp <> 'done')
$$;

CREATE FUNCTION dashboard_open_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER tickets_dashboard_insert_delete AFTER INSERT OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION dashboard_open_apply();
CREATE TRIGGER tickets_dashboard_update
    AFTER UPDATE OF status_id, priority_id, queue_id, category_id, subcategory_id, channel_id, assignee_id, allowed_roles, created_at
    ON tickets FOR EACH ROW
    WHEN (OLD.status_id IS DISTINCT FROM NEW.status_id OR OLD.priority_id IS DISTINCT FROM NEW.priority_id
        OR OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.subcategory_id IS DISTINCT FROM NEW.subcategory_id OR OLD.channel_id IS DISTINCT FROM NEW.channel_id
        OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.allowed_roles IS DISTINCT FROM NEW.allowed_roles
        OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION dashboard_open_apply();

INSERT INTO dashboard_open_counts (dim, val, queue_id, category_id, channel_id, allowed_roles, n)
SELECT r.dim, r.val, r.queue_id, r.category_id, r.channel_id, r.allowed_roles, sum(r.n)
  FROM tickets t CROSS JOIN LATERAL dashboard_open_rows(t, 1) r
 GROUP BY 1, 2, 3, 4, 5, 6;

-- The flow widgets read the tickets of a period from these indexes alone (index-only scans): the
-- period's column, then every column a widget groups or filters by and the visibility fields.
DROP INDEX tickets_resolved_idx;
DROP INDEX tickets_first_response_idx;
CREATE INDEX tickets_resolved_idx ON tickets (resolved_at)
    INCLUDE (created_at, status_id, queue_id, category_id, channel_id, requester_id, affected_id, assignee_id, allowed_roles, network)
    WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_first_response_idx ON tickets (first_response_at)
    INCLUDE (created_at, queue_id, category_id, channel_id, requester_id, affected_id, assignee_id, allowed_roles, network)
    WHERE first_response_at IS NOT NULL;
CREATE INDEX tickets_created_flow_idx ON tickets (created_at)
    INCLUDE (subcategory_id, queue_id, category_id, channel_id, requester_id, affected_id, assignee_id, allowed_roles, network);

-- SLA compliance over a period: clocks met on time and clocks breached, by the day it happened.
CREATE INDEX sla_clocks_met_idx ON sla_clocks (clock, met_at)
    INCLUDE (queue_id, category_id, requester_id, affected_id, assignee_id, allowed_roles, network)
    WHERE met_at IS NOT NULL AND breached_at IS NULL;
CREATE INDEX sla_clocks_breached_idx ON sla_clocks (clock, breached_at)
    INCLUDE (queue_id, category_id, requester_id, affected_id, assignee_id, allowed_roles, network)
    WHERE breached_at IS NOT NULL;

-- Each user's dashboard: the widgets they chose, in order, with their size.
CREATE TABLE dashboard_layouts (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    layout     jsonb NOT NULL,
    version    bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);
