import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mailApi } from '../../api/issue6-mail';
import type { MailLogItem, MailLogPage } from '../../api/issue6-mail';
import { flattenPages, nextCursor, sandboxDoc, statusTone } from './mailLog';
import { prefsBody, prefsChanged, prefsDraft } from './preferences';
import { firstErrorLang, insertAt, templateBody, templatePath, unknownVariables, validateTemplate, variableToken } from './templateForm';

describe('variable insertion', () => {
  it('inserts at the cursor and puts the cursor after the variable', () => {
    const tok = variableToken('ticket.number');
    expect(tok).toBe('{{ticket.number}}');
    expect(insertAt('Ticket  closed', 7, 7, tok)).toEqual({ value: 'Ticket {{ticket.number}} closed', cursor: 7 + tok.length });
  });

  it('replaces the selection', () => {
    expect(insertAt('Hello NAME!', 6, 10, '{{name}}')).toEqual({ value: 'Hello {{name}}!', cursor: 14 });
  });

  it('appends when there is no cursor or it is out of range', () => {
    expect(insertAt('abc', null, null, 'X')).toEqual({ value: 'abcX', cursor: 4 });
    expect(insertAt('abc', 9, 12, 'X')).toEqual({ value: 'abcX', cursor: 4 });
    expect(insertAt('abc', 2, 1, 'X')).toEqual({ value: 'abXc', cursor: 3 });
  });

  it('names the variables a text uses that the template does not offer', () => {
    expect(unknownVariables('{{ticket.number}} {{ nope }} {{ticket.number}} {{x.y}}', ['ticket.number'])).toEqual(['nope', 'x.y']);
  });
});

describe('template form', () => {
  const d = { subject: { es: 'Hola', en: 'Hi' }, body: { es: 'Cuerpo', en: 'Body' } };

  it('requires subject and body in both languages', () => {
    expect(validateTemplate(d)).toEqual({});
    expect(validateTemplate({ subject: { es: '', en: 'Hi' }, body: { es: 'x', en: ' ' } })).toEqual({ 'subject.es': 'required', 'body.en': 'required' });
    expect(validateTemplate({ ...d, subject: { es: 'x'.repeat(301), en: 'Hi' } })).toEqual({ 'subject.es': 'tooLong' });
  });

  it('maps server paths onto the fields and opens the tab of the first error', () => {
    expect(templatePath('body.en')).toBe(true);
    expect(templatePath('subject')).toBe(true);
    expect(templatePath('version')).toBe(false);
    expect(firstErrorLang(['version', 'body.en', 'subject.es'])).toBe('en');
    expect(firstErrorLang(['body'])).toBeNull();
  });

  it('sends both languages with the version', () => {
    expect(templateBody({ ...d, subject: { es: ' Hola ', en: 'Hi' } }, 3)).toEqual({ subject: { es: 'Hola', en: 'Hi' }, body: d.body, version: 3 });
  });
});

function item(id: number): MailLogItem {
  return {
    id,
    template: 'ticket_created',
    event_key: `ticket:${id}:created`,
    to_email: 'a@b.co',
    to_name: 'A',
    lang: 'es',
    subject: 's',
    status: 'sent',
    attempts: 1,
    last_error: '',
    message_id: `<${id}@atiende>`,
    ticket_id: id,
    created_at: '2026-12-04T00:00:00Z',
    sent_at: null,
  };
}

describe('mail log', () => {
  it('asks for the page before the oldest row, and stops when there is no more', () => {
    const pages: MailLogPage[] = [{ items: [item(30), item(29)], has_more: true }];
    expect(nextCursor(pages)).toBe(29);
    expect(nextCursor([...pages, { items: [item(28)], has_more: false }])).toBeNull();
    expect(nextCursor([])).toBeNull();
  });

  it('joins pages without repeating a row', () => {
    expect(flattenPages([{ items: [item(3), item(2)], has_more: true }, { items: [item(2), item(1)], has_more: false }]).map((x) => x.id)).toEqual([3, 2, 1]);
  });

  it('colours statuses: sent ok, failed danger, retrying warn', () => {
    expect(statusTone('sent')).toBe('ok');
    expect(statusTone('failed')).toBe('danger');
    expect(statusTone('retrying')).toBe('warn');
    expect(statusTone('queued')).toBe('info');
    expect(statusTone('logged')).toBe('neutral');
  });

  it('shows the HTML under a policy without scripts or remote loads', () => {
    const doc = sandboxDoc('<p>Hi</p>');
    expect(doc).toContain("default-src 'none'");
    expect(doc).not.toContain('script-src');
    expect(doc).toContain('<body><p>Hi</p></body>');
  });
});

describe('notification preferences', () => {
  beforeEach(() => {
    vi.stubGlobal('document', { cookie: 'atiende_csrf=tok', documentElement: {} });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('takes an event the server does not mention as on', () => {
    const d = prefsDraft({ events: { ticket_created: false } as never });
    expect(d).toEqual({ ticket_created: false, ticket_replied: true, ticket_status: true, ticket_assigned: true, ticket_closed: true, task_digest: true });
    expect(prefsChanged(d, prefsDraft(undefined))).toBe(true);
    expect(prefsChanged(d, { ...d })).toBe(false);
  });

  it('saves every event with PUT /me/mail-preferences', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init: RequestInit) => {
        calls.push({ url, init });
        return Promise.resolve(new Response(init.body as string, { status: 200 }));
      }),
    );
    const body = prefsBody({ ...prefsDraft(undefined), task_digest: false });
    await expect(mailApi.savePreferences(body)).resolves.toEqual(body);
    expect(calls[0]?.url).toBe('/api/v1/me/mail-preferences');
    expect(calls[0]?.init.method).toBe('PUT');
    expect(JSON.parse(calls[0]?.init.body as string)).toEqual({
      events: { ticket_created: true, ticket_replied: true, ticket_status: true, ticket_assigned: true, ticket_closed: true, task_digest: false },
    });
  });
});
