-- Issue 4: persons (customers, consultants with their genealogy, employees) and their contacts; roles,
-- built in and custom, with the permissions the code defines; invitations; and the visibility fields
-- every ticket carries so that lists, search and live updates decide who sees it from the row alone.

-- Roles. The five built-in ones are every account's primary role (users.role); custom ones are added to
-- users on top of it (user_roles) and may be among a ticket's allowed roles like any other.
CREATE TABLE roles (
    id         bigserial PRIMARY KEY,
    key        text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    name_es    text NOT NULL CHECK (length(name_es) BETWEEN 1 AND 80),
    name_en    text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    builtin    boolean NOT NULL DEFAULT false,
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO roles (key, name_es, name_en, builtin) VALUES
    ('admin', 'Administración', 'Admin', true),
    ('supervisor', 'Supervisión', 'Supervisor', true),
    ('agent', 'Servicio al cliente', 'Customer service', true),
    ('consultant', 'Consultor', 'Consultant', true),
    ('customer', 'Cliente', 'Customer', true);

-- A permission is one of the fixed list in the access package; the admin role holds them all in code.
CREATE TABLE role_permissions (
    role_id    bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission text NOT NULL CHECK (permission ~ '^[a-z_]+\.[a-z_]+$'),
    PRIMARY KEY (role_id, permission)
);
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, p FROM roles r, unnest(CASE r.key
    WHEN 'supervisor' THEN ARRAY['ticket.create', 'ticket.create_for', 'ticket.view_by_role', 'ticket.view_queue',
        'ticket.update', 'ticket.assign', 'ticket.move', 'ticket.set_roles', 'ticket.merge', 'ticket.comment_internal',
        'ticket.export', 'canned.use', 'people.view', 'people.manage',
        'widget.issue_type', 'widget.status', 'widget.queue', 'widget.priority', 'widget.sla', 'widget.agent_load',
        'widget.response_times', 'widget.created_resolved', 'widget.top_typifications', 'widget.backlog_age',
        'report.pivot', 'report.history']
    WHEN 'agent' THEN ARRAY['ticket.create', 'ticket.create_for', 'ticket.view_by_role', 'ticket.update',
        'ticket.assign', 'ticket.move', 'ticket.merge', 'ticket.comment_internal', 'ticket.export', 'canned.use',
        'people.view', 'people.manage',
        'widget.issue_type', 'widget.status', 'widget.queue', 'widget.priority', 'widget.sla']
    WHEN 'consultant' THEN ARRAY['ticket.create', 'ticket.view_network']
    WHEN 'customer' THEN ARRAY['ticket.create']
    ELSE ARRAY[]::text[] END) AS p;

CREATE TABLE user_roles (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role_idx ON user_roles (role_id);

--bun:split

-- Persons. A person is a row of users; one with a password hash (or a pending invitation) has a login.
-- ancestors is the sponsor chain from the root down to the person itself, kept by the people service
-- (and by the trigger below for a new person), so "X's downline" is ancestors @> {X} on one GIN index.
ALTER TABLE users
    ADD COLUMN kind              text NOT NULL DEFAULT 'customer' CHECK (kind IN ('customer', 'consultant', 'employee')),
    ADD COLUMN document_id       text CHECK (length(document_id) <= 40),
    ADD COLUMN rank              text CHECK (length(rank) <= 60),
    ADD COLUMN commercial_status text CHECK (commercial_status IN ('active', 'inactive', 'suspended', 'retired')),
    ADD COLUMN sponsor_id        bigint REFERENCES users (id),
    ADD COLUMN ancestors         bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN version           bigint NOT NULL DEFAULT 1,
    ADD COLUMN updated_at        timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT users_sponsor_not_self CHECK (sponsor_id IS DISTINCT FROM id);
UPDATE users SET kind = CASE role WHEN 'customer' THEN 'customer' WHEN 'consultant' THEN 'consultant' ELSE 'employee' END,
    commercial_status = CASE role WHEN 'consultant' THEN 'active' END,
    ancestors = ARRAY[id];
CREATE INDEX users_sponsor_idx ON users (sponsor_id);
CREATE INDEX users_ancestors_idx ON users USING gin (ancestors);
CREATE INDEX users_kind_name_idx ON users (kind, name, id);

CREATE FUNCTION users_ancestors_init() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.ancestors = '{}' THEN
        NEW.ancestors := coalesce((SELECT u.ancestors FROM users u WHERE u.id = NEW.sponsor_id), '{}') || NEW.id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER users_ancestors_insert BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_ancestors_init();

-- A person's phones, emails and addresses.
CREATE TABLE person_contacts (
    id         bigserial PRIMARY KEY,
    person_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('phone', 'email', 'address')),
    label      text NOT NULL DEFAULT '' CHECK (length(label) <= 40),
    value      text NOT NULL CHECK (length(value) BETWEEN 1 AND 500),
    is_primary boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_contacts_person_idx ON person_contacts (person_id, kind, id);
CREATE INDEX person_contacts_value_trgm_idx ON person_contacts USING gin (value gin_trgm_ops);

-- Set-password links: an invitation, or a reset an admin sends. Only the hash of the token is stored.
CREATE TABLE user_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id);
CREATE INDEX user_tokens_created_by_idx ON user_tokens (created_by);

--bun:split

-- Who works which queue and category: a ticket's allowed roles start as the union of its queue's and its
-- typification's roles; a queue's supervisors see all its tickets.
ALTER TABLE queues
    ADD COLUMN role_ids       bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN supervisor_ids bigint[] NOT NULL DEFAULT '{}';
ALTER TABLE categories ADD COLUMN role_ids bigint[] NOT NULL DEFAULT '{}';
UPDATE queues SET role_ids = ARRAY[(SELECT id FROM roles WHERE key = 'agent')];
CREATE INDEX queues_supervisor_ids_idx ON queues USING gin (supervisor_ids);

-- The visibility fields of a ticket: allowed roles, and the network (the sponsor chains of its requester
-- and affected person, themselves included), so a consultant's view is network @> {me}.
ALTER TABLE tickets
    ADD COLUMN allowed_roles bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN network       bigint[] NOT NULL DEFAULT '{}';
UPDATE tickets t SET
    allowed_roles = coalesce((SELECT q.role_ids FROM queues q WHERE q.id = t.queue_id), '{}'),
    network = ARRAY(SELECT DISTINCT x FROM users u, unnest(u.ancestors) x WHERE u.id IN (t.requester_id, t.affected_id) ORDER BY x);
CREATE INDEX tickets_allowed_roles_idx ON tickets USING gin (allowed_roles);
CREATE INDEX tickets_network_idx ON tickets USING gin (network);
CREATE INDEX tickets_affected_updated_idx ON tickets (affected_id, updated_at DESC, id DESC);
DROP INDEX tickets_affected_idx;
