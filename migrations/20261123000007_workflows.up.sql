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
