-- A file attached to the ticket itself (with the new-ticket dialog), rather than waiting for a reply to
-- carry it: whoever sees the ticket sees it.
ALTER TABLE attachments ADD COLUMN on_ticket boolean NOT NULL DEFAULT false;
