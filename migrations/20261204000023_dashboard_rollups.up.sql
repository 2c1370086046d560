-- Rollups that let the dashboard's counters sum a few hundred rows instead of thousands.
--
-- dashboard_open_counts keys every open ticket by queue, category, channel and allowed roles, so that any
-- filter can be answered; without a category or channel filter (the common case) that is many rows per
-- value. dashboard_open_totals is the same counts keyed only by what visibility and the queue filter need.
-- The issue-type dimension keeps the category beside the subcategory (val = category, val2 = subcategory),
-- so that a subcategory counts under the category its tickets carry.
CREATE TABLE dashboard_open_totals (
    dim           text NOT NULL,
    val           bigint NOT NULL,
    val2          bigint NOT NULL,
    queue_id      bigint NOT NULL,
    allowed_roles bigint[] NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (dim, val, val2, queue_id, allowed_roles)
);

CREATE FUNCTION dashboard_open_total_rows(t tickets, d bigint) RETURNS TABLE (dim text, val bigint, val2 bigint,
    queue_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.dim, k.val, k.val2, coalesce(t.queue_id, 0), t.allowed_roles, d
      FROM (VALUES ('status', t.status_id, 0::bigint), ('priority', t.priority_id, 0),
                   ('queue', coalesce(t.queue_id, 0), 0),
                   ('subcategory', coalesce(t.category_id, 0), coalesce(t.subcategory_id, 0)),
                   ('assignee', coalesce(t.assignee_id, 0), 0),
                   ('day', ((t.created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint, 0)) AS k (dim, val, val2)
     WHERE EXISTS (SELECT 1 FROM statuses s WHERE s.id = t.status_id AND s.grp <> 'done')
$$;

-- Tickets created, and tickets resolved (by the status they are in), per UTC day: the created-vs-resolved
-- trend and the DONE slices of the status widget sum one row per day, status, queue and roles.
CREATE TABLE dashboard_day_counts (
    kind          text NOT NULL CHECK (kind IN ('created', 'resolved')),
    day           bigint NOT NULL,
    status_id     bigint NOT NULL,
    queue_id      bigint NOT NULL,
    allowed_roles bigint[] NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (kind, day, status_id, queue_id, allowed_roles)
);

CREATE FUNCTION dashboard_day_rows(t tickets, d bigint) RETURNS TABLE (kind text, day bigint, status_id bigint,
    queue_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.kind, k.day, k.status_id, coalesce(t.queue_id, 0), t.allowed_roles, d
      FROM (VALUES ('created', ((t.created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint, 0::bigint),
                   ('resolved', ((t.resolved_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint, t.status_id))
           AS k (kind, day, status_id)
     WHERE k.day IS NOT NULL
$$;

-- One trigger keeps the three ticket aggregates; each writes its rows in one statement, in key order, so
-- that two writers never deadlock.
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

    INSERT INTO dashboard_open_totals AS c (dim, val, val2, queue_id, allowed_roles, n)
    SELECT x.dim, x.val, x.val2, x.queue_id, x.allowed_roles, sum(x.n)
      FROM (SELECT * FROM dashboard_open_total_rows(OLD, -1) WHERE TG_OP IN ('UPDATE', 'DELETE')
            UNION ALL
            SELECT * FROM dashboard_open_total_rows(NEW, 1) WHERE TG_OP IN ('INSERT', 'UPDATE')) x
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(x.n) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (dim, val, val2, queue_id, allowed_roles) DO UPDATE SET n = c.n + EXCLUDED.n;

    INSERT INTO dashboard_day_counts AS c (kind, day, status_id, queue_id, allowed_roles, n)
    SELECT x.kind, x.day, x.status_id, x.queue_id, x.allowed_roles, sum(x.n)
      FROM (SELECT * FROM dashboard_day_rows(OLD, -1) WHERE TG_OP IN ('UPDATE', 'DELETE')
            UNION ALL
            SELECT * FROM dashboard_day_rows(NEW, 1) WHERE TG_OP IN ('INSERT', 'UPDATE')) x
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(x.n) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (kind, day, status_id, queue_id, allowed_roles) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

DROP TRIGGER tickets_dashboard_update ON tickets;
CREATE TRIGGER tickets_dashboard_update
    AFTER UPDATE OF status_id, priority_id, queue_id, category_id, subcategory_id, channel_id, assignee_id, allowed_roles,
        created_at, resolved_at
    ON tickets FOR EACH ROW
    WHEN (OLD.status_id IS DISTINCT FROM NEW.status_id OR OLD.priority_id IS DISTINCT FROM NEW.priority_id
        OR OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.subcategory_id IS DISTINCT FROM NEW.subcategory_id OR OLD.channel_id IS DISTINCT FROM NEW.channel_id
        OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.allowed_roles IS DISTINCT FROM NEW.allowed_roles
        OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at)
    EXECUTE FUNCTION dashboard_open_apply();

-- The SLA widget's clocks running now, by whether they are marked breached, keyed like
-- dashboard_open_counts. Whether a running, unbreached clock is on track, at risk or past due depends on
-- the time, so the widget subtracts those whose at-risk or due instant has passed, read from the partial
-- index below: the few clocks near or past their limit, not every running one. The channel is copied onto
-- the clock like the other fields the counts filter by.
ALTER TABLE sla_clocks ADD COLUMN channel_id bigint;
UPDATE sla_clocks k SET channel_id = t.channel_id FROM tickets t WHERE t.id = k.ticket_id AND t.channel_id IS NOT NULL;

CREATE FUNCTION sla_clocks_channel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT channel_id INTO NEW.channel_id FROM tickets WHERE id = NEW.ticket_id;
    RETURN NEW;
END $$;
CREATE TRIGGER sla_clocks_channel_insert BEFORE INSERT ON sla_clocks
    FOR EACH ROW EXECUTE FUNCTION sla_clocks_channel();

CREATE OR REPLACE FUNCTION sla_clocks_follow_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sla_clocks SET queue_id = NEW.queue_id, category_id = NEW.category_id, channel_id = NEW.channel_id,
           requester_id = NEW.requester_id, affected_id = NEW.affected_id, assignee_id = NEW.assignee_id,
           allowed_roles = NEW.allowed_roles, network = NEW.network
     WHERE ticket_id = NEW.id;
    RETURN NULL;
END $$;
DROP TRIGGER tickets_sla_clocks_follow ON tickets;
CREATE TRIGGER tickets_sla_clocks_follow
    AFTER UPDATE OF queue_id, category_id, channel_id, requester_id, affected_id, assignee_id, allowed_roles, network ON tickets
    FOR EACH ROW WHEN (OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.channel_id IS DISTINCT FROM NEW.channel_id
        OR OLD.requester_id IS DISTINCT FROM NEW.requester_id OR OLD.affected_id IS DISTINCT FROM NEW.affected_id
        OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.allowed_roles IS DISTINCT FROM NEW.allowed_roles
        OR OLD.network IS DISTINCT FROM NEW.network)
    EXECUTE FUNCTION sla_clocks_follow_ticket();

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

CREATE FUNCTION sla_running_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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
    RETURN NULL;
END;
$$;
CREATE TRIGGER sla_clocks_running_insert_delete AFTER INSERT OR DELETE ON sla_clocks
    FOR EACH ROW EXECUTE FUNCTION sla_running_apply();
CREATE TRIGGER sla_clocks_running_update AFTER UPDATE ON sla_clocks
    FOR EACH ROW
    WHEN (OLD.shown IS DISTINCT FROM NEW.shown OR (OLD.since IS NULL) IS DISTINCT FROM (NEW.since IS NULL)
        OR (OLD.breached_at IS NULL) IS DISTINCT FROM (NEW.breached_at IS NULL)
        OR OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.channel_id IS DISTINCT FROM NEW.channel_id OR OLD.allowed_roles IS DISTINCT FROM NEW.allowed_roles)
    EXECUTE FUNCTION sla_running_apply();

-- The running, unbreached clocks whose at-risk or due instant has passed (least ignores a missing one),
-- with what the counts filter by: a range scan up to now() finds exactly the clocks not on track.
CREATE INDEX sla_clocks_limit_idx ON sla_clocks ((least(at_risk_at, due_at)))
    INCLUDE (at_risk_at, due_at, queue_id, category_id, channel_id, requester_id, affected_id, assignee_id, allowed_roles, network)
    WHERE shown AND since IS NOT NULL AND breached_at IS NULL;

-- dashboard_rebuild fills every aggregate above from scratch: after this migration, after a bulk load that
-- ran without row triggers, and when a status moves in or out of the DONE group (which changes which
-- tickets are open without writing them). It locks the aggregates first, so that a ticket written
-- meanwhile adds its change after the rebuild, onto rows that already count it as it was.
CREATE FUNCTION dashboard_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE dashboard_open_counts, dashboard_open_totals, dashboard_day_counts, sla_running_counts IN EXCLUSIVE MODE;
    DELETE FROM dashboard_open_counts;
    DELETE FROM dashboard_open_totals;
    DELETE FROM dashboard_day_counts;
    DELETE FROM sla_running_counts;
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
END;
$$;

CREATE FUNCTION statuses_group_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dashboard_rebuild();
    RETURN NULL;
END;
$$;
CREATE TRIGGER statuses_dashboard_group AFTER UPDATE OF grp ON statuses
    FOR EACH ROW WHEN (OLD.grp IS DISTINCT FROM NEW.grp)
    EXECUTE FUNCTION statuses_group_changed();

SELECT dashboard_rebuild();

-- The part of a period's counts that the rollups cannot answer for a user who does not see every ticket
-- (their own tickets, access.OutsideAggregates) reads the assignee's tickets of the period, not every
-- ticket they ever had.
CREATE INDEX tickets_assignee_created_idx ON tickets (assignee_id, created_at);
CREATE INDEX tickets_assignee_resolved_idx ON tickets (assignee_id, resolved_at) WHERE resolved_at IS NOT NULL;
