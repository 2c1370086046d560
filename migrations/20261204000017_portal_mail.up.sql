-- Two more emails: a customer's sign-in link (magic link) and the confirmation of a ticket sent through
-- the public web form, with the link to follow it.
ALTER TABLE mail_templates DROP CONSTRAINT mail_templates_key_check;
ALTER TABLE mail_templates ADD CONSTRAINT mail_templates_key_check CHECK (key IN ('ticket_created', 'ticket_updated',
    'ticket_closed', 'task_digest', 'info_request', 'sla_escalation', 'magic_link', 'ticket_tracking'));

INSERT INTO mail_templates (key, subject, body) VALUES
('magic_link',
 '{"es": "Tu enlace para entrar",
   "en": "Your sign-in link"}',
 '{"es": "Hola, {{recipient.name}}:\n\nPara entrar a tu cuenta sin contraseña, usa este enlace: [entrar]({{link}})\n\nEl enlace sirve una sola vez y vence el {{expires_at}}. Si no lo pediste, ignora este mensaje.\n\nEl equipo de atención",
   "en": "Hello {{recipient.name}},\n\nTo sign in to your account without a password, use this link: [sign in]({{link}})\n\nThe link works once and expires on {{expires_at}}. If you did not ask for it, ignore this message.\n\nThe support team"}'),
('ticket_tracking',
 '{"es": "[#{{ticket.number}}] Recibimos tu solicitud: {{ticket.subject}}",
   "en": "[#{{ticket.number}}] We received your request: {{ticket.subject}}"}',
 '{"es": "Hola, {{recipient.name}}:\n\nRecibimos tu solicitud y abrimos el caso **#{{ticket.number}}** ({{ticket.subject}}).\n\nPuedes ver su estado y respondernos aquí, sin crear una cuenta: [seguir mi caso]({{link}})\n\nEl enlace vence el {{expires_at}}.\n\nEl equipo de atención",
   "en": "Hello {{recipient.name}},\n\nWe received your request and opened case **#{{ticket.number}}** ({{ticket.subject}}).\n\nYou can see its status and reply here, without an account: [follow my case]({{link}})\n\nThe link expires on {{expires_at}}.\n\nThe support team"}');
