-- SLA: business-hours calendars, policies with first-response and resolution targets, each ticket's
-- clocks (one row per ticket and clock) and the time limit of the workflow state a ticket is in.
CREATE TABLE sla_calendars (
    id         bigserial PRIMARY KEY,
    name_es    text NOT NULL CHECK (length(name_es) BETWEEN 1 AND 80),
    name_en    text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    time_zone  text NOT NULL,
    -- [{weekday: 1..7 (ISO), start: "HH:MM", end: "HH:MM"}]; empty means around the clock.
    hours      jsonb NOT NULL DEFAULT '[]',
    -- [{date: "YYYY-MM-DD", name}]
    holidays   jsonb NOT NULL DEFAULT '[]',
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sla_policies (
    id                     bigserial PRIMARY KEY,
    name_es                text NOT NULL CHECK (length(name_es) BETWEEN 1 AND 80),
    name_en                text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    active                 boolean NOT NULL DEFAULT true,
    position               integer NOT NULL,
    -- Conditions: each empty array means any.
    priority_ids           bigint[] NOT NULL DEFAULT '{}',
    category_ids           bigint[] NOT NULL DEFAULT '{}',
    queue_ids              bigint[] NOT NULL DEFAULT '{}',
    channel_ids            bigint[] NOT NULL DEFAULT '{}',
    first_response_seconds bigint NOT NULL CHECK (first_response_seconds BETWEEN 10 AND 31622400),
    resolution_seconds     bigint NOT NULL CHECK (resolution_seconds BETWEEN 10 AND 31622400),
    at_risk_percent        integer NOT NULL DEFAULT 75 CHECK (at_risk_percent BETWEEN 1 AND 99),
    calendar_id            bigint REFERENCES sla_calendars (id),
    pause_status_ids       bigint[] NOT NULL DEFAULT '{}',
    -- [{on: at_risk|breach, clock: first_response|resolution|any, action: notify_supervisors|notify_assignee|raise_priority|next_queue}]
    escalations            jsonb NOT NULL DEFAULT '[]',
    version                bigint NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sla_policies_position_idx ON sla_policies (position, id);
CREATE INDEX sla_policies_calendar_idx ON sla_policies (calendar_id);

-- A clock counts business time against a target. elapsed_s is the business time used as of since; since
-- is null while the clock is paused or stopped. Every recalculation bumps generation, so that the timers
-- enqueued for an older one find nothing to fire.
CREATE TABLE sla_clocks (
    ticket_id        bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    clock            text NOT NULL CHECK (clock IN ('first_response', 'resolution')),
    policy_id        bigint REFERENCES sla_policies (id) ON DELETE SET NULL,
    state            text NOT NULL CHECK (state IN ('running', 'paused', 'met', 'stopped')),
    target_s         bigint NOT NULL,
    elapsed_s        bigint NOT NULL DEFAULT 0,
    started_at       timestamptz NOT NULL,
    since            timestamptz,
    paused_by        bigint,
    due_at           timestamptz,
    at_risk_at       timestamptz,
    at_risk_fired_at timestamptz,
    breached_at      timestamptz,
    met_at           timestamptz,
    stopped_at       timestamptz,
    generation       bigint NOT NULL DEFAULT 1,
    -- The ticket's queue and category, kept by the clock engine, so that the counts by queue read this
    -- table's partial index alone.
    queue_id         bigint,
    category_id      bigint,
    -- The ticket's visibility fields, so that the counts of who does not see every ticket are filtered
    -- (access.TicketFilter) on this table alone, without a lookup per ticket.
    requester_id     bigint,
    affected_id      bigint,
    assignee_id      bigint,
    allowed_roles    bigint[] NOT NULL DEFAULT '{}',
    network          bigint[] NOT NULL DEFAULT '{}',
    -- shown: the clock an open ticket shows (its first response until met, then its resolution).
    shown            boolean NOT NULL DEFAULT false,
    PRIMARY KEY (ticket_id, clock)
);

-- The copies above follow the ticket on every write, the bulk ones too (a genealogy move refreshing
-- networks, a catalog change refreshing allowed roles), which run no ticket hooks.
CREATE FUNCTION sla_clocks_follow_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- Everything the counts read, the visibility fields included, so that they are an index-only scan of the
-- open tickets' shown clocks, however scattered those rows are in the table.
CREATE INDEX sla_clocks_counts_idx ON sla_clocks (queue_id, category_id)
    INCLUDE (since, due_at, at_risk_at, breached_at, requester_id, affected_id, assignee_id, allowed_roles, network)
    WHERE shown;
CREATE INDEX sla_clocks_policy_idx ON sla_clocks (policy_id) WHERE state IN ('running', 'paused');

-- The time limit of the workflow state each ticket is in, when its state has one.
CREATE TABLE sla_state_limits (
    ticket_id     bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    status_id     bigint NOT NULL,
    limit_minutes integer NOT NULL,
    entered_at    timestamptz NOT NULL,
    due_at        timestamptz NOT NULL,
    fired_at      timestamptz
);

--bun:split

INSERT INTO sla_calendars (name_es, name_en, time_zone) VALUES ('24×7', '24×7', 'America/Bogota');
INSERT INTO sla_calendars (name_es, name_en, time_zone, hours, holidays) VALUES
    ('Horario de oficina Bogotá', 'Bogotá office hours', 'America/Bogota',
     (SELECT jsonb_agg(jsonb_build_object('weekday', d, 'start', '08:00', 'end', '18:00') ORDER BY d) FROM generate_series(1, 5) d),
     '[{"date": "2026-01-01", "name": "Año Nuevo"}, {"date": "2026-01-12", "name": "Reyes Magos"},
       {"date": "2026-03-23", "name": "San José"}, {"date": "2026-04-02", "name": "Jueves Santo"},
       {"date": "2026-04-03", "name": "Viernes Santo"}, {"date": "2026-05-01", "name": "Día del Trabajo"},
       {"date": "2026-05-18", "name": "Ascensión del Señor"}, {"date": "2026-06-08", "name": "Corpus Christi"},
       {"date": "2026-06-15", "name": "Sagrado Corazón"}, {"date": "2026-06-29", "name": "San Pedro y San Pablo"},
       {"date": "2026-07-20", "name": "Día de la Independencia"}, {"date": "2026-08-07", "name": "Batalla de Boyacá"},
       {"date": "2026-08-17", "name": "Asunción de la Virgen"}, {"date": "2026-10-12", "name": "Día de la Raza"},
       {"date": "2026-11-02", "name": "Todos los Santos"}, {"date": "2026-11-16", "name": "Independencia de Cartagena"},
       {"date": "2026-12-08", "name": "Inmaculada Concepción"}, {"date": "2026-12-25", "name": "Navidad"},
       {"date": "2027-01-01", "name": "Año Nuevo"}, {"date": "2027-01-11", "name": "Reyes Magos"},
       {"date": "2027-03-22", "name": "San José"}, {"date": "2027-03-25", "name": "Jueves Santo"},
       {"date": "2027-03-26", "name": "Viernes Santo"}, {"date": "2027-05-01", "name": "Día del Trabajo"},
       {"date": "2027-05-10", "name": "Ascensión del Señor"}, {"date": "2027-05-31", "name": "Corpus Christi"},
       {"date": "2027-06-07", "name": "Sagrado Corazón"}, {"date": "2027-07-05", "name": "San Pedro y San Pablo"},
       {"date": "2027-07-20", "name": "Día de la Independencia"}, {"date": "2027-08-07", "name": "Batalla de Boyacá"},
       {"date": "2027-08-16", "name": "Asunción de la Virgen"}, {"date": "2027-10-18", "name": "Día de la Raza"},
       {"date": "2027-11-01", "name": "Todos los Santos"}, {"date": "2027-11-15", "name": "Independencia de Cartagena"},
       {"date": "2027-12-08", "name": "Inmaculada Concepción"}, {"date": "2027-12-25", "name": "Navidad"}]');

-- One policy per priority: the most urgent around the clock, the others on office hours; waiting on the
-- customer pauses every clock. They start inactive, so that an existing desk's tickets do not gain clocks
-- before an admin has looked at them; the demo seed switches them on.
INSERT INTO sla_policies (name_es, name_en, active, position, priority_ids, first_response_seconds, resolution_seconds,
                          calendar_id, pause_status_ids, escalations)
SELECT p.name_es, p.name_en, false, p.position, ARRAY[p.id], v.fr, v.res,
       (SELECT id FROM sla_calendars WHERE name_en = v.cal),
       ARRAY(SELECT id FROM statuses WHERE key = 'waiting'),
       v.esc::jsonb
  FROM priorities p
  JOIN (VALUES
      ('do', 1800, 14400, '24×7',
       '[{"on": "at_risk", "clock": "any", "action": "notify_assignee"}, {"on": "breach", "clock": "any", "action": "notify_supervisors"}, {"on": "breach", "clock": "resolution", "action": "next_queue"}]'),
      ('decide', 7200, 36000, 'Bogotá office hours',
       '[{"on": "at_risk", "clock": "any", "action": "notify_assignee"}, {"on": "breach", "clock": "any", "action": "notify_supervisors"}]'),
      ('delegate', 14400, 108000, 'Bogotá office hours',
       '[{"on": "at_risk", "clock": "any", "action": "notify_assignee"}, {"on": "breach", "clock": "resolution", "action": "raise_priority"}]'),
      ('delete', 28800, 180000, 'Bogotá office hours',
       '[{"on": "breach", "clock": "any", "action": "notify_assignee"}]')
  ) AS v (key, fr, res, cal, esc) ON v.key = p.key;
