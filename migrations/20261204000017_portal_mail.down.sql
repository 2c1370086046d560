DELETE FROM mail_templates WHERE key IN ('magic_link', 'ticket_tracking');
ALTER TABLE mail_templates DROP CONSTRAINT mail_templates_key_check;
ALTER TABLE mail_templates ADD CONSTRAINT mail_templates_key_check CHECK (key IN ('ticket_created', 'ticket_updated',
    'ticket_closed', 'task_digest', 'info_request', 'sla_escalation'));
