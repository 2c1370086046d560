DROP INDEX ticket_history_at_idx;
