-- The history report lists changes across tickets newest (or oldest) first, a page at a time.
CREATE INDEX ticket_history_at_idx ON ticket_history (at, id);
