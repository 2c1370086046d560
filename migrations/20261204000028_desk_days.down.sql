-- Back to UTC days: the row functions as migrations 18, 23 and 24 defined them, and rollups keyed again.
CREATE OR REPLACE FUNCTION dashboard_open_rows(t tickets, d bigint) RETURNS TABLE (dim text, val bigint, queue_id bigint,
    category_id bigint, channel_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.dim, k.val, coalesce(t.queue_id, 0), coalesce(t.category_id, 0), coalesce(t.channel_id, 0), t.allowed_roles, d
      FROM (VALUES ('status', t.status_id), ('priority', t.priority_id), ('queue', coalesce(t.queue_id, 0)),
                   ('subcategory', coalesce(t.subcategory_id, 0)), ('assignee', coalesce(t.assignee_id, 0)),
                   ('day', ((t.created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint)) AS k (dim, val)
     WHERE EXISTS (SELECT 1 FROM statuses s WHERE s.id = t.status_id AND s.grp <> 'done')
$$;

CREATE OR REPLACE FUNCTION dashboard_open_total_rows(t tickets, d bigint) RETURNS TABLE (dim text, val bigint, val2 bigint,
    queue_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.dim, k.val, k.val2, coalesce(t.queue_id, 0), t.allowed_roles, d
      FROM (VALUES ('status', t.status_id, 0::bigint), ('priority', t.priority_id, 0),
                   ('queue', coalesce(t.queue_id, 0), 0),
                   ('subcategory', coalesce(t.category_id, 0), coalesce(t.subcategory_id, 0)),
                   ('assignee', coalesce(t.assignee_id, 0), 0),
                   ('day', ((t.created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint, 0)) AS k (dim, val, val2)
     WHERE EXISTS (SELECT 1 FROM statuses s WHERE s.id = t.status_id AND s.grp <> 'done')
$$;

CREATE OR REPLACE FUNCTION dashboard_day_rows(t tickets, d bigint) RETURNS TABLE (kind text, day bigint, status_id bigint,
    queue_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.kind, k.day, k.status_id, coalesce(t.queue_id, 0), t.allowed_roles, d
      FROM (VALUES ('created', ((t.created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint, 0::bigint),
                   ('resolved', ((t.resolved_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint, t.status_id))
           AS k (kind, day, status_id)
     WHERE k.day IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION sla_result_rows(k sla_clocks, d bigint) RETURNS TABLE (clock text, result text, day bigint,
    queue_id bigint, allowed_roles bigint[], n bigint) LANGUAGE sql STABLE AS $$
    SELECT k.clock, x.result, x.day, coalesce(k.queue_id, 0), k.allowed_roles, d
      FROM (VALUES ('met', CASE WHEN k.met_at IS NOT NULL AND k.breached_at IS NULL
                                THEN ((k.met_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint END),
                   ('breached', ((k.breached_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint)) AS x (result, day)
     WHERE x.day IS NOT NULL
$$;

SELECT dashboard_rebuild();
DROP FUNCTION desk_day(timestamptz);
DROP FUNCTION desk_zone();
DROP TABLE desk_settings;
