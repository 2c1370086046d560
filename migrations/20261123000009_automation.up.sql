-- Automation: rules that act on tickets when they are created or changed, macros an agent applies by
-- hand, and the notifications both (and workflow transitions) leave for users.
CREATE TABLE automation_rules (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    position   integer NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    on_create  boolean NOT NULL DEFAULT true,
    on_update  boolean NOT NULL DEFAULT false,
    match      text NOT NULL DEFAULT 'all' CHECK (match IN ('all', 'any')),
    conditions jsonb NOT NULL DEFAULT '[]',
    actions    jsonb NOT NULL DEFAULT '[]',
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX automation_rules_position_idx ON automation_rules (position, id);

-- One stamp for the whole rule set: every write bumps it (and so serialises rule writes); each instance
-- keeps the rules in memory and reloads them when the stamp it reads in a change's transaction differs.
CREATE TABLE automation_state (
    id    integer PRIMARY KEY CHECK (id = 1),
    stamp bigint NOT NULL
);
INSERT INTO automation_state (id, stamp) VALUES (1, 1);

CREATE TABLE macros (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    description text NOT NULL DEFAULT '',
    canned_id   bigint REFERENCES canned_responses (id) ON DELETE SET NULL,
    reply       text NOT NULL DEFAULT '',
    actions     jsonb NOT NULL DEFAULT '[]',
    active      boolean NOT NULL DEFAULT true,
    version     bigint NOT NULL DEFAULT 1,
    position    integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX macros_position_idx ON macros (position, id);

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ticket_id  bigint REFERENCES tickets (id) ON DELETE CASCADE,
    kind       text NOT NULL,
    title      jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Demo macros. A macro's name is one text, written by whoever manages macros: the demo ones name both
-- languages. The first replies with the "Ask for information" canned response, which is written in
-- both languages and sent in the requester's.
INSERT INTO macros (name, description, canned_id, actions, position) VALUES
    ('Pedir el número de pedido · Ask for the order number',
     'Responde pidiendo el número de pedido y deja el caso en espera del cliente. · Replies asking for the order number and waits on the customer.',
     (SELECT id FROM canned_responses WHERE key = 'need_info'),
     jsonb_build_array(jsonb_build_object('kind', 'set_status', 'value', (SELECT id FROM statuses WHERE key = 'waiting'))),
     1),
    ('Escalar a especialistas · Escalate to specialists',
     'Pasa el caso a la cola de especialistas con prioridad alta. · Sends the case to the specialists queue with high priority.',
     NULL,
     jsonb_build_array(
        jsonb_build_object('kind', 'set_queue', 'value', (SELECT id FROM queues WHERE key = 'level_2')),
        jsonb_build_object('kind', 'set_priority', 'value', (SELECT id FROM priorities WHERE key = 'decide')),
        jsonb_build_object('kind', 'add_note', 'value', 'Escalado a especialistas. · Escalated to specialists.')),
     2);

-- A demo rule, off until an administrator turns it on: switched on, it would change the priority of
-- tickets people open, which nobody should discover by surprise.
INSERT INTO automation_rules (name, position, active, on_create, on_update, match, conditions, actions) VALUES
    ('Urgente → Altísima · Urgent → Critical', 1, false, true, false, 'any',
     '[{"field": "subject", "op": "contains", "value": "urgente"}, {"field": "subject", "op": "contains", "value": "urgent"}]',
     jsonb_build_array(jsonb_build_object('kind', 'set_priority', 'value', (SELECT id FROM priorities WHERE key = 'do'))));
