-- When a ticket was first answered and when it was last resolved: what response-time widgets, reports
-- and the created-vs-resolved trend are computed from, without reading history.
ALTER TABLE tickets
    ADD COLUMN first_response_at timestamptz,
    ADD COLUMN resolved_at       timestamptz;

-- resolved_at follows the status: set when the ticket enters a status of the DONE group, cleared when it
-- leaves it (a reopened ticket is unresolved again), whoever writes the row (API, workflow, bulk load).
CREATE FUNCTION tickets_resolved_at() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_done boolean;
    old_done boolean;
BEGIN
    SELECT grp = 'done' INTO new_done FROM statuses WHERE id = NEW.status_id;
    IF TG_OP = 'INSERT' THEN
        IF new_done THEN
            NEW.resolved_at := coalesce(NEW.resolved_at, NEW.updated_at, now());
        ELSE
            NEW.resolved_at := NULL;
        END IF;
        RETURN NEW;
    END IF;
    SELECT grp = 'done' INTO old_done FROM statuses WHERE id = OLD.status_id;
    IF new_done AND NOT old_done THEN
        NEW.resolved_at := now();
    ELSIF NOT new_done THEN
        NEW.resolved_at := NULL;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tickets_resolved_at_insert BEFORE INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_resolved_at();
CREATE TRIGGER tickets_resolved_at_update BEFORE UPDATE OF status_id ON tickets
    FOR EACH ROW WHEN (OLD.status_id IS DISTINCT FROM NEW.status_id)
    EXECUTE FUNCTION tickets_resolved_at();

-- Existing tickets: resolved when their status is done, at their last change; first answered at their
-- first public reply by an employee other than the requester.
UPDATE tickets t SET resolved_at = t.updated_at
  FROM statuses s WHERE s.id = t.status_id AND s.grp = 'done';
UPDATE tickets t SET first_response_at = fr.at
  FROM (SELECT c.ticket_id, min(c.created_at) AS at
          FROM ticket_comments c JOIN users u ON u.id = c.author_id JOIN tickets t2 ON t2.id = c.ticket_id
         WHERE c.public AND u.kind = 'employee' AND c.author_id IS DISTINCT FROM t2.requester_id
         GROUP BY c.ticket_id) fr
 WHERE fr.ticket_id = t.id;

CREATE INDEX tickets_resolved_idx ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_first_response_idx ON tickets (first_response_at) WHERE first_response_at IS NOT NULL;
