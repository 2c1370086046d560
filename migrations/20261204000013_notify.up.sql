-- Email: the templates admins edit (Markdown with {{variables}}, Spanish and English), the outbox of
-- every mail rendered (the mail log, and what the send job delivers), what each user chooses to receive,
-- and the watchers of tickets.
CREATE TABLE mail_templates (
    key        text PRIMARY KEY CHECK (key IN ('ticket_created', 'ticket_updated', 'ticket_closed', 'task_digest',
                                               'info_request', 'sla_escalation')),
    subject    jsonb NOT NULL,
    body       jsonb NOT NULL,
    version    bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (event, recipient): the unique index makes a second queueing of the same mail a no-op, so
-- retried or concurrent events never send it twice.
CREATE TABLE mail_outbox (
    id         bigserial PRIMARY KEY,
    template   text NOT NULL,
    event_key  text NOT NULL,
    to_email   text NOT NULL,
    to_name    text NOT NULL DEFAULT '',
    to_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    lang       text NOT NULL CHECK (lang IN ('es', 'en')),
    subject    text NOT NULL,
    text       text NOT NULL,
    html       text NOT NULL,
    message_id text NOT NULL,
    status     text NOT NULL CHECK (status IN ('logged', 'queued', 'sent', 'retrying', 'failed')),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text NOT NULL DEFAULT '',
    ticket_id  bigint REFERENCES tickets (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);
CREATE UNIQUE INDEX mail_outbox_event_to_idx ON mail_outbox (event_key, lower(to_email));
-- The mail log pages newest first, optionally by status.
CREATE INDEX mail_outbox_status_idx ON mail_outbox (status, id);

-- What a user chose not to receive (a missing row means the default: receive).
CREATE TABLE mail_preferences (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event   text NOT NULL CHECK (event IN ('ticket_created', 'ticket_replied', 'ticket_status', 'ticket_assigned',
                                           'ticket_closed', 'task_digest')),
    enabled boolean NOT NULL,
    PRIMARY KEY (user_id, event)
);

CREATE TABLE ticket_watchers (
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_watchers_user_idx ON ticket_watchers (user_id);

INSERT INTO mail_templates (key, subject, body) VALUES
('ticket_created',
 '{"es": "[#{{ticket.number}}] Recibimos tu solicitud: {{ticket.subject}}",
   "en": "[#{{ticket.number}}] We received your request: {{ticket.subject}}"}',
 '{"es": "Hola, {{recipient.name}}:\n\nSe abrió el ticket **#{{ticket.number}}**: {{ticket.subject}}.\n\nEstado: {{ticket.status}} · Prioridad: {{ticket.priority}}\n\nPuedes seguirlo y responder aquí: [ver el ticket]({{ticket.url}})\n\nGracias por escribirnos.\n\nEl equipo de atención",
   "en": "Hello {{recipient.name}},\n\nTicket **#{{ticket.number}}** was opened: {{ticket.subject}}.\n\nStatus: {{ticket.status}} · Priority: {{ticket.priority}}\n\nYou can follow it and reply here: [view the ticket]({{ticket.url}})\n\nThank you for writing to us.\n\nThe support team"}'),
('ticket_updated',
 '{"es": "[#{{ticket.number}}] Novedades: {{ticket.subject}}",
   "en": "[#{{ticket.number}}] Update: {{ticket.subject}}"}',
 '{"es": "Hola, {{recipient.name}}:\n\nHay novedades en el ticket **#{{ticket.number}}** ({{ticket.subject}}): {{change.summary}}\n\n{{reply.text}}\n\nEstado actual: {{ticket.status}}\n\n[Ver el ticket]({{ticket.url}})\n\nEl equipo de atención",
   "en": "Hello {{recipient.name}},\n\nThere is news on ticket **#{{ticket.number}}** ({{ticket.subject}}): {{change.summary}}\n\n{{reply.text}}\n\nCurrent status: {{ticket.status}}\n\n[View the ticket]({{ticket.url}})\n\nThe support team"}'),
('ticket_closed',
 '{"es": "[#{{ticket.number}}] Ticket cerrado: {{ticket.subject}}",
   "en": "[#{{ticket.number}}] Ticket closed: {{ticket.subject}}"}',
 '{"es": "Hola, {{recipient.name}}:\n\nEl ticket **#{{ticket.number}}** ({{ticket.subject}}) quedó en estado {{ticket.status}}. {{change.summary}}\n\nSi algo no quedó resuelto, respóndenos desde [el ticket]({{ticket.url}}).\n\nGracias por tu paciencia.\n\nEl equipo de atención",
   "en": "Hello {{recipient.name}},\n\nTicket **#{{ticket.number}}** ({{ticket.subject}}) is now {{ticket.status}}. {{change.summary}}\n\nIf anything is still unresolved, reply from [the ticket]({{ticket.url}}).\n\nThank you for your patience.\n\nThe support team"}'),
('task_digest',
 '{"es": "Tienes {{tasks.count}} tareas vencidas",
   "en": "You have {{tasks.count}} overdue tasks"}',
 '{"es": "Hola, {{recipient.name}}:\n\nEstas tareas ya pasaron su fecha límite:\n\n{{tasks.list}}\n\n[Ver mis tareas]({{tasks.url}})",
   "en": "Hello {{recipient.name}},\n\nThese tasks are past their due date:\n\n{{tasks.list}}\n\n[See my tasks]({{tasks.url}})"}'),
('info_request',
 '{"es": "[#{{ticket.number}}] {{requester}} te pide información",
   "en": "[#{{ticket.number}}] {{requester}} asks you for information"}',
 '{"es": "Hola, {{recipient.name}}:\n\n{{requester}} necesita tu ayuda con el caso #{{ticket.number}} ({{ticket.subject}}):\n\n{{question}}\n\nPuedes responder, y adjuntar archivos, sin crear una cuenta: [responder]({{link}})\n\nEl enlace vence el {{expires_at}}.\n\nGracias.",
   "en": "Hello {{recipient.name}},\n\n{{requester}} needs your help with case #{{ticket.number}} ({{ticket.subject}}):\n\n{{question}}\n\nYou can answer, and attach files, without an account: [answer]({{link}})\n\nThe link expires on {{expires_at}}.\n\nThank you."}'),
('sla_escalation',
 '{"es": "[#{{ticket.number}}] SLA {{sla.event}}: {{ticket.subject}}",
   "en": "[#{{ticket.number}}] SLA {{sla.event}}: {{ticket.subject}}"}',
 '{"es": "Hola, {{recipient.name}}:\n\nEl ticket **#{{ticket.number}}** ({{ticket.subject}}) necesita atención: su reloj de {{sla.clock}} está {{sla.event}} (vence {{sla.due_at}}).\n\nPrioridad: {{ticket.priority}} · Asignado a: {{ticket.assignee}}\n\n[Abrir el ticket]({{ticket.url}})",
   "en": "Hello {{recipient.name}},\n\nTicket **#{{ticket.number}}** ({{ticket.subject}}) needs attention: its {{sla.clock}} clock is {{sla.event}} (due {{sla.due_at}}).\n\nPriority: {{ticket.priority}} · Assigned to: {{ticket.assignee}}\n\n[Open the ticket]({{ticket.url}})"}');
