-- Workflows as data (blueprints): a workflow's definition is versioned, and a ticket keeps the version it
-- started in. The definition (states, transitions, fields, actions) is one JSON document per version,
-- validated by the workflow package before it is stored.
CREATE TABLE workflows (
    id                 bigserial PRIMARY KEY,
    key                text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    name_es            text NOT NULL CHECK (length(name_es) BETWEEN 1 AND 80),
    name_en            text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    description_es     text NOT NULL DEFAULT '',
    description_en     text NOT NULL DEFAULT '',
    builtin            boolean NOT NULL DEFAULT false,
    active             boolean NOT NULL DEFAULT true,
    current_version_id bigint,
    version            bigint NOT NULL DEFAULT 1,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workflow_versions (
    id          bigserial PRIMARY KEY,
    workflow_id bigint NOT NULL REFERENCES workflows (id),
    number      integer NOT NULL,
    definition  jsonb NOT NULL,
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workflow_id, number)
);
ALTER TABLE workflows ADD CONSTRAINT workflows_current_version_fk
    FOREIGN KEY (current_version_id) REFERENCES workflow_versions (id);

-- A category (or subcategory, whose own mapping wins) maps to one workflow; none maps to `generic`.
ALTER TABLE categories ADD COLUMN workflow_id bigint REFERENCES workflows (id);

ALTER TABLE tickets
    ADD COLUMN workflow_version_id bigint REFERENCES workflow_versions (id),
    ADD COLUMN state_entered_at timestamptz,
    ADD COLUMN created_by bigint REFERENCES users (id);
UPDATE tickets SET state_entered_at = updated_at;
ALTER TABLE tickets ALTER COLUMN state_entered_at SET DEFAULT now(), ALTER COLUMN state_entered_at SET NOT NULL;
-- Who created each ticket, from its creation history row.
UPDATE tickets t SET created_by = h.actor_id
  FROM ticket_history h WHERE h.ticket_id = t.id AND h.field = 'created';

-- Every transition a ticket made: what blueprint metrics are computed from (time in the state left is
-- at - entered_from_at).
CREATE TABLE ticket_transitions (
    id                  bigserial PRIMARY KEY,
    ticket_id           bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    workflow_id         bigint NOT NULL REFERENCES workflows (id),
    workflow_version_id bigint NOT NULL REFERENCES workflow_versions (id),
    transition_key      text NOT NULL,
    from_status_id      bigint NOT NULL REFERENCES statuses (id),
    to_status_id        bigint NOT NULL REFERENCES statuses (id),
    actor_id            bigint REFERENCES users (id),
    at                  timestamptz NOT NULL DEFAULT now(),
    entered_from_at     timestamptz NOT NULL
);
CREATE INDEX ticket_transitions_workflow_at_idx ON ticket_transitions (workflow_id, at);
CREATE INDEX ticket_transitions_ticket_idx ON ticket_transitions (ticket_id, at);

--bun:split

-- The statuses of the built-in workflows beyond the five defaults.
INSERT INTO statuses (key, name_es, name_en, grp, position, color, pauses_sla) VALUES
    ('data_review', 'Revisión de datos', 'Data review', 'todo', 2, '#7c3aed', false),
    ('missing_data', 'Datos faltantes', 'Missing data', 'doing', 3, '#db2777', true),
    ('credit_decision', 'Decisión del crédito', 'Credit decision', 'doing', 4, '#0891b2', false),
    ('credit_accepted', 'Crédito aceptado', 'Credit accepted', 'done', 3, '#15803d', true),
    ('credit_denied', 'Crédito denegado', 'Credit denied', 'done', 4, '#b91c1c', true),
    ('rejected', 'Rechazado', 'Rejected', 'done', 5, '#9f1239', true)
ON CONFLICT (key) DO NOTHING;

INSERT INTO workflows (key, name_es, name_en, description_es, description_en, builtin) VALUES
    ('generic', 'Flujo genérico', 'Generic flow',
     'El más utilizado: los tickets pasan de un estado a otro hasta su finalización.',
     'The most used one: tickets go from one status to another until they are done.', true),
    ('credit_note', 'Nota crédito', 'Credit note',
     'La gestión del ticket crea o rechaza una nota crédito en el saldo del cliente.',
     'Working the ticket creates or rejects a credit note on the customer''s balance.', true),
    ('backorder', 'Pedido pendiente (backorder)', 'Backorder',
     'La gestión del ticket crea o rechaza un pedido pendiente de lo que se le debe al cliente.',
     'Working the ticket creates or rejects a backorder of what is owed to the customer.', true),
    ('credit_request', 'Solicitud de crédito', 'Credit request',
     'Estudio de crédito pedido por un consultor: revisión de datos, decisión y nuevo cupo.',
     'A credit study asked for by a consultant: data review, decision and new limit.', true);

-- Version 1 of each built-in, with the ids of this install's statuses and roles.
WITH s AS (
    SELECT (SELECT id FROM statuses WHERE key = 'unattended') AS unattended,
           (SELECT id FROM statuses WHERE key = 'in_progress') AS in_progress,
           (SELECT id FROM statuses WHERE key = 'waiting') AS waiting,
           (SELECT id FROM statuses WHERE key = 'resolved') AS resolved,
           (SELECT id FROM statuses WHERE key = 'closed') AS closed
)
INSERT INTO workflow_versions (workflow_id, number, definition)
SELECT (SELECT id FROM workflows WHERE key = 'generic'), 1, jsonb_build_object(
    'states', jsonb_build_array(
        jsonb_build_object('status_id', s.unattended, 'start', true, 'final', false, 'limit_minutes', null, 'x', 40, 'y', 160),
        jsonb_build_object('status_id', s.in_progress, 'start', false, 'final', false, 'limit_minutes', null, 'x', 260, 'y', 80),
        jsonb_build_object('status_id', s.waiting, 'start', false, 'final', false, 'limit_minutes', null, 'x', 260, 'y', 240),
        jsonb_build_object('status_id', s.resolved, 'start', false, 'final', true, 'limit_minutes', null, 'x', 480, 'y', 80),
        jsonb_build_object('status_id', s.closed, 'start', false, 'final', true, 'limit_minutes', null, 'x', 480, 'y', 240)),
    'transitions', jsonb_build_array(
        jsonb_build_object('key', 'reopen', 'name_es', 'Reabrir', 'name_en', 'Reopen',
            'from', jsonb_build_array(s.in_progress, s.waiting, s.resolved, s.closed), 'to', s.unattended,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'start', 'name_es', 'Iniciar', 'name_en', 'Start',
            'from', jsonb_build_array(s.unattended, s.waiting, s.resolved, s.closed), 'to', s.in_progress,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'wait', 'name_es', 'Esperar al cliente', 'name_en', 'Wait for customer',
            'from', jsonb_build_array(s.unattended, s.in_progress, s.resolved, s.closed), 'to', s.waiting,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'resolve', 'name_es', 'Resolver', 'name_en', 'Resolve',
            'from', jsonb_build_array(s.unattended, s.in_progress, s.waiting, s.closed), 'to', s.resolved,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'close', 'name_es', 'Cerrar', 'name_en', 'Close',
            'from', jsonb_build_array(s.unattended, s.in_progress, s.waiting, s.resolved), 'to', s.closed,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb)))
FROM s;

WITH s AS (
    SELECT (SELECT id FROM statuses WHERE key = 'unattended') AS unattended,
           (SELECT id FROM statuses WHERE key = 'in_progress') AS in_progress,
           (SELECT id FROM statuses WHERE key = 'resolved') AS resolved,
           (SELECT id FROM statuses WHERE key = 'rejected') AS rejected
)
INSERT INTO workflow_versions (workflow_id, number, definition)
SELECT (SELECT id FROM workflows WHERE key = 'credit_note'), 1, jsonb_build_object(
    'states', jsonb_build_array(
        jsonb_build_object('status_id', s.unattended, 'start', true, 'final', false, 'limit_minutes', null, 'x', 40, 'y', 160),
        jsonb_build_object('status_id', s.in_progress, 'start', false, 'final', false, 'limit_minutes', null, 'x', 260, 'y', 160),
        jsonb_build_object('status_id', s.resolved, 'start', false, 'final', true, 'limit_minutes', null, 'x', 480, 'y', 80),
        jsonb_build_object('status_id', s.rejected, 'start', false, 'final', true, 'limit_minutes', null, 'x', 480, 'y', 240)),
    'transitions', jsonb_build_array(
        jsonb_build_object('key', 'take', 'name_es', 'Tomar', 'name_en', 'Take',
            'from', jsonb_build_array(s.unattended), 'to', s.in_progress,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'accept_note', 'name_es', 'Aceptar nota', 'name_en', 'Accept note',
            'from', jsonb_build_array(s.in_progress), 'to', s.resolved, 'roles', '[]'::jsonb, 'perms', '[]'::jsonb,
            'fields', jsonb_build_array(jsonb_build_object('key', 'amount', 'required', true),
                jsonb_build_object('key', 'note_reason_id', 'required', true), jsonb_build_object('key', 'reason', 'required', false)),
            'comment_required', false, 'confirm', true,
            'actions', jsonb_build_array(jsonb_build_object('kind', 'domain', 'action', 'credit_note'))),
        jsonb_build_object('key', 'reject_note', 'name_es', 'Rechazar nota', 'name_en', 'Reject note',
            'from', jsonb_build_array(s.in_progress), 'to', s.rejected,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', true, 'confirm', false, 'actions', '[]'::jsonb)))
FROM s;

WITH s AS (
    SELECT (SELECT id FROM statuses WHERE key = 'unattended') AS unattended,
           (SELECT id FROM statuses WHERE key = 'in_progress') AS in_progress,
           (SELECT id FROM statuses WHERE key = 'resolved') AS resolved,
           (SELECT id FROM statuses WHERE key = 'rejected') AS rejected
)
INSERT INTO workflow_versions (workflow_id, number, definition)
SELECT (SELECT id FROM workflows WHERE key = 'backorder'), 1, jsonb_build_object(
    'states', jsonb_build_array(
        jsonb_build_object('status_id', s.unattended, 'start', true, 'final', false, 'limit_minutes', null, 'x', 40, 'y', 160),
        jsonb_build_object('status_id', s.in_progress, 'start', false, 'final', false, 'limit_minutes', null, 'x', 260, 'y', 160),
        jsonb_build_object('status_id', s.resolved, 'start', false, 'final', true, 'limit_minutes', null, 'x', 480, 'y', 80),
        jsonb_build_object('status_id', s.rejected, 'start', false, 'final', true, 'limit_minutes', null, 'x', 480, 'y', 240)),
    'transitions', jsonb_build_array(
        jsonb_build_object('key', 'take', 'name_es', 'Tomar', 'name_en', 'Take',
            'from', jsonb_build_array(s.unattended), 'to', s.in_progress,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'accept_backorder', 'name_es', 'Aceptar backorder', 'name_en', 'Accept backorder',
            'from', jsonb_build_array(s.in_progress), 'to', s.resolved, 'roles', '[]'::jsonb, 'perms', '[]'::jsonb,
            'fields', jsonb_build_array(jsonb_build_object('key', 'order_number', 'required', true)),
            'comment_required', false, 'confirm', true,
            'actions', jsonb_build_array(jsonb_build_object('kind', 'domain', 'action', 'backorder'))),
        jsonb_build_object('key', 'reject_backorder', 'name_es', 'Rechazar backorder', 'name_en', 'Reject backorder',
            'from', jsonb_build_array(s.in_progress), 'to', s.rejected,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', true, 'confirm', false, 'actions', '[]'::jsonb)))
FROM s;

-- The credit decision itself is the supervisors' (the credit analysts); the admin always may.
WITH s AS (
    SELECT (SELECT id FROM statuses WHERE key = 'data_review') AS data_review,
           (SELECT id FROM statuses WHERE key = 'missing_data') AS missing_data,
           (SELECT id FROM statuses WHERE key = 'credit_decision') AS credit_decision,
           (SELECT id FROM statuses WHERE key = 'credit_accepted') AS credit_accepted,
           (SELECT id FROM statuses WHERE key = 'credit_denied') AS credit_denied,
           (SELECT id FROM roles WHERE key = 'supervisor') AS supervisor
)
INSERT INTO workflow_versions (workflow_id, number, definition)
SELECT (SELECT id FROM workflows WHERE key = 'credit_request'), 1, jsonb_build_object(
    'states', jsonb_build_array(
        jsonb_build_object('status_id', s.data_review, 'start', true, 'final', false, 'limit_minutes', 1440, 'x', 40, 'y', 160),
        jsonb_build_object('status_id', s.missing_data, 'start', false, 'final', false, 'limit_minutes', null, 'x', 40, 'y', 320),
        jsonb_build_object('status_id', s.credit_decision, 'start', false, 'final', false, 'limit_minutes', 2880, 'x', 260, 'y', 160),
        jsonb_build_object('status_id', s.credit_accepted, 'start', false, 'final', true, 'limit_minutes', null, 'x', 480, 'y', 80),
        jsonb_build_object('status_id', s.credit_denied, 'start', false, 'final', true, 'limit_minutes', null, 'x', 480, 'y', 240)),
    'transitions', jsonb_build_array(
        jsonb_build_object('key', 'ask_missing_data', 'name_es', 'Pedir datos faltantes', 'name_en', 'Ask for missing data',
            'from', jsonb_build_array(s.data_review), 'to', s.missing_data,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', true, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'data_received', 'name_es', 'Datos recibidos', 'name_en', 'Data received',
            'from', jsonb_build_array(s.missing_data), 'to', s.data_review,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'send_to_decision', 'name_es', 'Enviar a decisión', 'name_en', 'Send to decision',
            'from', jsonb_build_array(s.data_review), 'to', s.credit_decision,
            'roles', '[]'::jsonb, 'perms', '[]'::jsonb, 'fields', '[]'::jsonb, 'comment_required', false, 'confirm', false, 'actions', '[]'::jsonb),
        jsonb_build_object('key', 'accept_credit', 'name_es', 'Aceptar crédito', 'name_en', 'Accept credit',
            'from', jsonb_build_array(s.credit_decision), 'to', s.credit_accepted,
            'roles', jsonb_build_array(s.supervisor), 'perms', '[]'::jsonb,
            'fields', jsonb_build_array(jsonb_build_object('key', 'credit_limit', 'required', true),
                jsonb_build_object('key', 'credit_type', 'required', true)),
            'comment_required', false, 'confirm', true,
            'actions', jsonb_build_array(jsonb_build_object('kind', 'domain', 'action', 'credit_limit'))),
        jsonb_build_object('key', 'deny_credit', 'name_es', 'Denegar crédito', 'name_en', 'Deny credit',
            'from', jsonb_build_array(s.credit_decision), 'to', s.credit_denied,
            'roles', jsonb_build_array(s.supervisor), 'perms', '[]'::jsonb, 'fields', '[]'::jsonb,
            'comment_required', true, 'confirm', false, 'actions', '[]'::jsonb)))
FROM s;

UPDATE workflows w SET current_version_id = v.id FROM workflow_versions v WHERE v.workflow_id = w.id AND v.number = 1;

UPDATE categories SET workflow_id = (SELECT id FROM workflows WHERE key = 'credit_note')
 WHERE key IN ('return_not_applied', 'invoice_error', 'shipping_overcharged');
UPDATE categories SET workflow_id = (SELECT id FROM workflows WHERE key = 'backorder') WHERE key = 'invoiced_not_shipped';

-- Every existing ticket follows the generic flow, which allows every move among the default statuses.
UPDATE tickets SET workflow_version_id = (SELECT current_version_id FROM workflows WHERE key = 'generic');
