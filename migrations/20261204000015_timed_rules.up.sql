-- Rules with a "minutes in state" condition fire when the time passes, not only on the next change: each
-- status entry schedules a timer job per such rule, and this table makes each (rule, ticket, status
-- entry) fire at most once however many instances or retries run it.
CREATE TABLE automation_timed_firings (
    rule_id    bigint NOT NULL REFERENCES automation_rules (id) ON DELETE CASCADE,
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    entered_at timestamptz NOT NULL,
    fired_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_id, ticket_id, entered_at)
);
CREATE INDEX automation_timed_firings_ticket_idx ON automation_timed_firings (ticket_id);
