-- The desk's calendar. Dashboards and reports count days as the desk lives them, in its time zone
-- (DESK_TIME_ZONE), not in UTC: in Bogotá a ticket opened at 8 p.m. on the 31st belongs to the 31st and
-- to that month, not to the next day. desk_settings holds the zone the rollups were keyed in; the server
-- writes its configured zone at start and, when it changed, rebuilds the rollups (dashboard_rebuild) in
-- the same transaction. Until then the calendar is UTC, as before this migration.
CREATE TABLE desk_settings (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    time_zone text NOT NULL CHECK (now() AT TIME ZONE time_zone IS NOT NULL)
);
INSERT INTO desk_settings (time_zone) VALUES ('UTC');

CREATE FUNCTION desk_zone() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT time_zone FROM desk_settings
$$;

-- desk_day is the desk's calendar day of an instant, as days since 1970-01-01 (NULL for NULL).
CREATE FUNCTION desk_day(ts timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT ((ts AT TIME ZONE desk_zone())::date - DATE '1970-01-01')::bigint
$$;

CREATE OR REPLACE FUNCTION dashboard_open_rows(t tickets, d bigint) RETURNS TABLE (dim text, val bigint, queue_id bigint,
    category_id bigint, channel_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.dim, k.val, coalesce(t.queue_id, 0), coalesce(t.category_id, 0), coalesce(t.channel_id, 0), t.allowed_roles, d
      FROM (VALUES ('status', t.status_id), ('priority', t.priority_id), ('queue', coalesce(t.queue_id, 0)),
                   ('subcategory', coalesce(t.subcategory_id, 0)), ('assignee', coalesce(t.assignee_id, 0)),
                   ('day', desk_day(t.created_at))) AS k (dim, val)
     WHERE EXISTS (SELECT 1 FROM statuses s WHERE s.id = t.status_id AND s.grp <> 'done')
$$;

CREATE OR REPLACE FUNCTION dashboard_open_total_rows(t tickets, d bigint) RETURNS TABLE (dim text, val bigint, val2 bigint,
    queue_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.dim, k.val, k.val2, coalesce(t.queue_id, 0), t.allowed_roles, d
      FROM (VALUES ('status', t.status_id, 0::bigint), ('priority', t.priority_id, 0),
                   ('queue', coalesce(t.queue_id, 0), 0),
                   ('subcategory', coalesce(t.category_id, 0), coalesce(t.subcategory_id, 0)),
                   ('assignee', coalesce(t.assignee_id, 0), 0),
                   ('day', desk_day(t.created_at), 0)) AS k (dim, val, val2)
     WHERE EXISTS (SELECT 1 FROM statuses s WHERE s.id = t.status_id AND s.grp <> 'done')
$$;

CREATE OR REPLACE FUNCTION dashboard_day_rows(t tickets, d bigint) RETURNS TABLE (kind text, day bigint, status_id bigint,
    queue_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.kind, k.day, k.status_id, coalesce(t.queue_id, 0), t.allowed_roles, d
      FROM (VALUES ('created', desk_day(t.created_at), 0::bigint),
                   ('resolved', desk_day(t.resolved_at), t.status_id))
           AS k (kind, day, status_id)
     WHERE k.day IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION sla_result_rows(k sla_clocks, d bigint) RETURNS TABLE (clock text, result text, day bigint,
    queue_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.clock, x.result, x.day, coalesce(k.queue_id, 0), k.allowed_roles, d
      FROM (VALUES ('met', CASE WHEN k.met_at IS NOT NULL AND k.breached_at IS NULL THEN desk_day(k.met_at) END),
                   ('breached', desk_day(k.breached_at))) AS x (result, day)
     WHERE x.day IS NOT NULL
$$;
