-- Issue 3: configurable catalogs with their defaults, the full ticket, its conversation, attachments,
-- links and saved views.

CREATE EXTENSION IF NOT EXISTS unaccent;

--bun:split

-- An immutable unaccent for index expressions (unaccent() itself is only STABLE).
CREATE FUNCTION atiende_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

--bun:split

-- Every catalog entry carries a version (edits are optimistic like tickets') and is deactivated, never
-- deleted, once tickets use it.
ALTER TABLE statuses
    ADD COLUMN pauses_sla boolean NOT NULL DEFAULT false,
    ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE priorities ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE TABLE categories (
    id             bigserial PRIMARY KEY,
    parent_id      bigint REFERENCES categories (id),
    key            text NOT NULL UNIQUE,
    name_es        text NOT NULL,
    name_en        text NOT NULL,
    description_es text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    position       integer NOT NULL,
    active         boolean NOT NULL DEFAULT true,
    version        bigint NOT NULL DEFAULT 1
);
CREATE INDEX categories_parent_idx ON categories (parent_id, position);

CREATE TABLE kb_categories (
    id       bigserial PRIMARY KEY,
    key      text NOT NULL UNIQUE,
    name_es  text NOT NULL,
    name_en  text NOT NULL,
    position integer NOT NULL,
    active   boolean NOT NULL DEFAULT true,
    version  bigint NOT NULL DEFAULT 1
);

CREATE TABLE channels (
    id       bigserial PRIMARY KEY,
    key      text NOT NULL UNIQUE,
    name_es  text NOT NULL,
    name_en  text NOT NULL,
    position integer NOT NULL,
    active   boolean NOT NULL DEFAULT true,
    version  bigint NOT NULL DEFAULT 1
);

CREATE TABLE queues (
    id       bigserial PRIMARY KEY,
    key      text NOT NULL UNIQUE,
    name_es  text NOT NULL,
    name_en  text NOT NULL,
    level    integer NOT NULL CHECK (level BETWEEN 1 AND 9),
    position integer NOT NULL,
    active   boolean NOT NULL DEFAULT true,
    version  bigint NOT NULL DEFAULT 1
);

CREATE TABLE note_reasons (
    id       bigserial PRIMARY KEY,
    key      text NOT NULL UNIQUE,
    kind     text NOT NULL CHECK (kind IN ('credit', 'debit')),
    name_es  text NOT NULL,
    name_en  text NOT NULL,
    position integer NOT NULL,
    active   boolean NOT NULL DEFAULT true,
    version  bigint NOT NULL DEFAULT 1
);

CREATE TABLE canned_responses (
    id       bigserial PRIMARY KEY,
    key      text NOT NULL UNIQUE,
    name_es  text NOT NULL,
    name_en  text NOT NULL,
    body_es  text NOT NULL,
    body_en  text NOT NULL,
    position integer NOT NULL,
    active   boolean NOT NULL DEFAULT true,
    version  bigint NOT NULL DEFAULT 1
);

-- The naming scheme the company picked for the four priorities.
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value jsonb NOT NULL
);
INSERT INTO settings (key, value) VALUES ('priority_scheme', '"altisima"');

-- Every catalog change: who, when, before → after.
CREATE TABLE catalog_changes (
    id       bigserial PRIMARY KEY,
    catalog  text NOT NULL,
    entry_id bigint,
    actor_id bigint REFERENCES users (id),
    at       timestamptz NOT NULL DEFAULT now(),
    action   text NOT NULL,
    before   jsonb,
    after    jsonb
);
CREATE INDEX catalog_changes_entry_idx ON catalog_changes (catalog, entry_id, at);
CREATE INDEX catalog_changes_actor_idx ON catalog_changes (actor_id);

--bun:split

-- Defaults of a new install. The statuses and priorities of the first migration's installs came from the
-- demo seed; they are inserted here when missing.
INSERT INTO statuses (key, name_es, name_en, grp, position, color, pauses_sla) VALUES
    ('unattended', 'Sin atender', 'Unattended', 'todo', 1, '#64748b', false),
    ('in_progress', 'En curso', 'In progress', 'doing', 1, '#2563eb', false),
    ('waiting', 'En espera del cliente', 'Waiting on customer', 'doing', 2, '#d97706', true),
    ('resolved', 'Resuelto', 'Resolved', 'done', 1, '#16a34a', true),
    ('closed', 'Cerrado', 'Closed', 'done', 2, '#0f766e', true)
ON CONFLICT (key) DO NOTHING;
UPDATE statuses SET pauses_sla = true WHERE key IN ('waiting', 'resolved', 'closed');

INSERT INTO priorities (key, name_es, name_en, important, urgent, position, color) VALUES
    ('do', 'Altísima', 'Critical', true, true, 1, '#dc2626'),
    ('decide', 'Alta', 'High', true, false, 2, '#ea580c'),
    ('delegate', 'Media', 'Medium', false, true, 3, '#ca8a04'),
    ('delete', 'Baja', 'Low', false, false, 4, '#64748b')
ON CONFLICT (key) DO NOTHING;

INSERT INTO categories (key, name_es, name_en, position) VALUES
    ('exchanges_returns', 'Cambios y devoluciones', 'Exchanges and returns', 1),
    ('legal', 'Legales', 'Legal', 2),
    ('system', 'Sistema', 'System', 3),
    ('commercial', 'Comercial', 'Commercial', 4),
    ('finance', 'Financiera', 'Finance', 5),
    ('operations', 'Operaciones', 'Operations', 6),
    ('customer_service', 'Servicio al cliente', 'Customer service', 7);

INSERT INTO categories (parent_id, key, name_es, name_en, description_es, description_en, position)
SELECT p.id, c.key, c.name_es, c.name_en, c.description_es, c.description_en, c.position
  FROM (VALUES
    ('exchanges_returns', 'return_not_applied', 'Cambio y devolución sin aplicar', 'Exchange or return not applied',
     'Cuando se genera un cambio y devolución y el cliente argumenta no verlo aplicado en su cuenta corriente por algún motivo',
     'An exchange or return was made and the customer says it is not applied to their account', 1),
    ('exchanges_returns', 'return_request', 'Solicitud de cambios y devoluciones', 'Exchange or return request',
     'Cuando el cliente manifiesta que desea un cambio o una devolución.',
     'The customer wants an exchange or a return.', 2),
    ('legal', 'formal_petition', 'Derecho de petición', 'Formal petition',
     'Cuando el cliente por algún motivo siente que no se le da respuesta oportuna o adecuada y recurre a términos legales',
     'The customer feels they did not get a timely or adequate answer and turns to legal terms', 1),
    ('system', 'invoice_error', 'Error en liquidación de la factura', 'Invoice calculation error',
     'Cuando el cliente manifiesta que su factura tiene algún problema que no es causado por el mismo cliente',
     'The customer reports a problem with their invoice that they did not cause', 1),
    ('system', 'shipping_overcharged', 'Mayor flete cobrado', 'Shipping overcharged',
     'Cuando el cliente manifiesta que el flete es distinto a lo pactado por él',
     'The customer says the shipping charged differs from what was agreed', 2),
    ('commercial', 'identity_fraud', 'Fraude suplantación de identidad', 'Identity theft fraud',
     'Cuando el cliente manifiesta que alguien lo está suplantando y que él no es quien realiza los pedidos',
     'The customer says someone is impersonating them and placing orders in their name', 1),
    ('commercial', 'order_not_placed', 'Cliente no hizo pedido', 'Customer did not place the order',
     'Cuando un cliente manifiesta que le llegó un pedido que el mismo no hizo',
     'The customer received an order they did not place', 2),
    ('commercial', 'possible_new_customer', 'Solicitud posible nuevo cliente', 'Possible new customer request',
     'Cuando por parte de servicio al cliente se crean casos para revisar posibles nuevos clientes',
     'Customer service opens a case to review a possible new customer', 3),
    ('finance', 'unidentified_payment', 'Pago sin identificar', 'Unidentified payment',
     'Cuando se tienen pagos sin identificar a que cliente pertenecen',
     'A payment cannot be matched to a customer', 1),
    ('finance', 'collection_agency_complaint', 'Queja de funcionario de agencia de cobranza', 'Complaint about a collection agency officer',
     'Cuando se otorga crédito y las gestiones de cobro generan insatisfacción de los clientes',
     'Credit was granted and the collection efforts left the customer dissatisfied', 2),
    ('operations', 'order_not_received', 'Pedido no recibido', 'Order not received',
     'El cliente manifiesta que hizo pedido y no ha sido entregado aún',
     'The customer placed an order that has not been delivered yet', 1),
    ('operations', 'order_unrequested', 'Pedido recibido sin solicitarlo', 'Order received without asking for it',
     'Cliente que recibió el pedido aun sin solicitarlo',
     'The customer received an order without having asked for it', 2),
    ('operations', 'wrong_products', 'Productos recibidos diferente a lo solicitado', 'Products received differ from the order',
     'Cuando el cliente manifiesta que le llegó un producto distinto al que lo solicitó',
     'The customer received a product different from the one ordered', 3),
    ('operations', 'delivery_complaint', 'Queja de entrega de pedidos', 'Order delivery complaint',
     'El cliente se queja por alguna parte del proceso de entrega de pedidos',
     'The customer complains about part of the order delivery process', 4),
    ('operations', 'employee_complaint', 'Queja de funcionario de la compañía', 'Complaint about a company employee',
     'Cuando un cliente se queja de la mala atención de algún funcionario de la compañía',
     'The customer complains about poor service from a company employee', 5),
    ('operations', 'invoiced_not_shipped', 'Reclamo producto facturado y no enviado', 'Product invoiced but not shipped',
     'Cuando un cliente asegura que un producto que estaba dentro de su factura y fue cobrado, pero no le llegó con su pedido',
     'A product on the invoice was charged but did not arrive with the order', 6),
    ('operations', 'invoicing_claim', 'Reclamo proceso de facturación', 'Invoicing process claim',
     'Cuando el cliente tiene dificultades con la facturación de su pedido',
     'The customer has difficulties with the invoicing of their order', 7),
    ('customer_service', 'quality_complaint', 'Queja de calidad', 'Quality complaint',
     'Todas las quejas de calidad asociadas a los productos o a los servicios',
     'Any quality complaint about products or services', 1),
    ('customer_service', 'data_update', 'Solicitud actualización de datos', 'Data update request',
     'Cuando el cliente necesita actualizar datos que no son modificables por el mismo',
     'The customer needs to update data they cannot change themselves', 2),
    ('customer_service', 'clearance_certificate', 'Solicitud paz y salvo y referencias comerciales', 'Clearance certificate and commercial references request',
     'Solicitudes de paz y salvo en caso de reportes o asignaciones de crédito',
     'Requests for a clearance certificate for credit reports or assignments', 3),
    ('customer_service', 'ordering_difficulties', 'Dificultades con pedidos', 'Difficulties placing orders',
     'Todas las dificultades relacionadas con la captura o la toma de los pedidos.',
     'Any difficulty entering or taking orders.', 4),
    ('customer_service', 'suggestion_compliment', 'Sugerencia y/o felicitaciones', 'Suggestion or compliment',
     'Sugerencias y felicitaciones de todo tipo',
     'Suggestions and compliments of every kind', 5)
  ) AS c (parent_key, key, name_es, name_en, description_es, description_en, position)
  JOIN categories p ON p.key = c.parent_key;

INSERT INTO channels (key, name_es, name_en, position) VALUES
    ('corporate_site', 'Sitio corporativo', 'Corporate site', 1),
    ('replicated_site', 'Sitio replicado', 'Replicated site', 2),
    ('influencer_site', 'Sitio de influenciador', 'Influencer site', 3),
    ('chatbot', 'Chatbot', 'Chatbot', 4),
    ('back_office', 'Back office', 'Back office', 5),
    ('phone', 'Teléfono', 'Phone', 6),
    ('email', 'Correo electrónico', 'Email', 7),
    ('web_form', 'Formulario web', 'Web form', 8);

INSERT INTO queues (key, name_es, name_en, level, position) VALUES
    ('level_1', 'Nivel 1 — Primer contacto', 'Level 1 — First contact', 1, 1),
    ('level_2', 'Nivel 2 — Especialistas', 'Level 2 — Specialists', 2, 2),
    ('level_3', 'Nivel 3 — Escalamiento', 'Level 3 — Escalation', 3, 3);

INSERT INTO kb_categories (key, name_es, name_en, position) VALUES
    ('orders', 'Pedidos', 'Orders', 1),
    ('billing', 'Facturación y pagos', 'Billing and payments', 2),
    ('returns', 'Cambios y devoluciones', 'Exchanges and returns', 3),
    ('account', 'Cuenta y datos', 'Account and data', 4);

INSERT INTO note_reasons (key, kind, name_es, name_en, position) VALUES
    ('return_credit', 'credit', 'Devolución de producto', 'Product return', 1),
    ('billing_error_credit', 'credit', 'Error de facturación', 'Billing error', 2),
    ('shipping_overcharge_credit', 'credit', 'Mayor flete cobrado', 'Shipping overcharged', 3),
    ('goodwill_credit', 'credit', 'Compensación comercial', 'Goodwill compensation', 4),
    ('missing_charge_debit', 'debit', 'Cargo no facturado', 'Uninvoiced charge', 5),
    ('interest_debit', 'debit', 'Intereses de mora', 'Late payment interest', 6);

INSERT INTO canned_responses (key, name_es, name_en, body_es, body_en, position) VALUES
    ('received', 'Caso recibido', 'Case received',
     E'Hola {{requester.name}},\n\nRecibimos tu caso **#{{ticket.number}}** («{{ticket.subject}}») y ya lo estamos revisando. Te escribiremos en cuanto tengamos novedades.\n\n{{agent.name}}',
     E'Hi {{requester.name}},\n\nWe received your case **#{{ticket.number}}** ("{{ticket.subject}}") and are looking into it. We will write as soon as we have news.\n\n{{agent.name}}', 1),
    ('need_info', 'Solicitar información', 'Ask for information',
     E'Hola {{requester.name}},\n\nPara avanzar con el caso #{{ticket.number}} necesitamos el número de pedido y una foto del producto.\n\nGracias,\n{{agent.name}}',
     E'Hi {{requester.name}},\n\nTo move case #{{ticket.number}} forward we need the order number and a photo of the product.\n\nThank you,\n{{agent.name}}', 2),
    ('resolved', 'Caso resuelto', 'Case resolved',
     E'Hola {{requester.name}},\n\nTu caso #{{ticket.number}} quedó resuelto. Si algo no quedó bien, responde a este mensaje y lo reabrimos.\n\n{{agent.name}}',
     E'Hi {{requester.name}},\n\nYour case #{{ticket.number}} is resolved. If anything is not right, reply to this message and we will reopen it.\n\n{{agent.name}}', 3);

--bun:split

-- The full ticket.
ALTER TABLE users ALTER COLUMN password_hash SET DEFAULT '';  -- '' : a person without a login
ALTER TABLE tickets
    ADD COLUMN channel_id     bigint REFERENCES channels (id),
    ADD COLUMN category_id    bigint REFERENCES categories (id),
    ADD COLUMN subcategory_id bigint REFERENCES categories (id),
    ADD COLUMN queue_id       bigint REFERENCES queues (id),
    ADD COLUMN affected_id    bigint REFERENCES users (id),
    ADD COLUMN order_number   text CHECK (length(order_number) <= 40),
    ADD COLUMN tags           text[] NOT NULL DEFAULT '{}',
    ADD COLUMN due_at         timestamptz,
    ADD COLUMN merged_into_id bigint REFERENCES tickets (id),
    ADD COLUMN search         tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', atiende_unaccent(subject)), 'A') ||
        setweight(to_tsvector('simple', atiende_unaccent(left(description, 20000))), 'B')) STORED;

-- The records table: first page under any single filter, newest change first.
CREATE INDEX tickets_updated_idx ON tickets (updated_at DESC, id DESC);
CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC);
CREATE INDEX tickets_status_updated_idx ON tickets (status_id, updated_at DESC, id DESC);
CREATE INDEX tickets_priority_updated_idx ON tickets (priority_id, updated_at DESC, id DESC);
CREATE INDEX tickets_assignee_updated_idx ON tickets (assignee_id, updated_at DESC, id DESC);
CREATE INDEX tickets_requester_updated_idx ON tickets (requester_id, updated_at DESC, id DESC);
DROP INDEX tickets_requester_idx;
CREATE INDEX tickets_channel_updated_idx ON tickets (channel_id, updated_at DESC, id DESC);
CREATE INDEX tickets_category_updated_idx ON tickets (category_id, updated_at DESC, id DESC);
CREATE INDEX tickets_subcategory_updated_idx ON tickets (subcategory_id, updated_at DESC, id DESC);
CREATE INDEX tickets_queue_updated_idx ON tickets (queue_id, updated_at DESC, id DESC);
CREATE INDEX tickets_affected_idx ON tickets (affected_id);
CREATE INDEX tickets_merged_into_idx ON tickets (merged_into_id) WHERE merged_into_id IS NOT NULL;
CREATE INDEX tickets_order_number_idx ON tickets (order_number) WHERE order_number IS NOT NULL;
CREATE INDEX tickets_tags_idx ON tickets USING gin (tags);
CREATE INDEX tickets_search_idx ON tickets USING gin (search);

CREATE INDEX users_name_trgm_idx ON users USING gin (name gin_trgm_ops);
CREATE INDEX users_email_trgm_idx ON users USING gin (email gin_trgm_ops);

-- Public replies and internal notes; the Markdown and its sanitised HTML.
CREATE TABLE ticket_comments (
    id         bigserial PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id  bigint REFERENCES users (id),
    public     boolean NOT NULL,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 50000),
    body_html  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_comments_ticket_idx ON ticket_comments (ticket_id, created_at, id);
CREATE INDEX ticket_comments_author_idx ON ticket_comments (author_id);

-- Attachments: metadata here, bytes stored once by content hash (on disk or in an S3-compatible store).
CREATE TABLE attachments (
    id           bigserial PRIMARY KEY,
    ticket_id    bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    comment_id   bigint REFERENCES ticket_comments (id) ON DELETE SET NULL,
    uploader_id  bigint REFERENCES users (id),
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_ticket_idx ON attachments (ticket_id, created_at, id);
CREATE INDEX attachments_comment_idx ON attachments (comment_id);
CREATE INDEX attachments_uploader_idx ON attachments (uploader_id);
CREATE INDEX attachments_sha256_idx ON attachments (sha256);

-- Links between tickets, stored once per pair (ticket_id < other_id).
CREATE TABLE ticket_links (
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    other_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('related', 'duplicate')),
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, other_id),
    CHECK (ticket_id < other_id)
);
CREATE INDEX ticket_links_other_idx ON ticket_links (other_id);
CREATE INDEX ticket_links_created_by_idx ON ticket_links (created_by);

-- A user's saved views of the records table: a name and the table's query string.
CREATE TABLE saved_views (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    query      text NOT NULL CHECK (length(query) <= 2000),
    position   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);

-- Creation through the API may be retried safely with an Idempotency-Key.
CREATE TABLE idempotency_keys (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer NOT NULL,
    response     jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
