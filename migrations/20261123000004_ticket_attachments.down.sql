ALTER TABLE attachments DROP COLUMN on_ticket;
