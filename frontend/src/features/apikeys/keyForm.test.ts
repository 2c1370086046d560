import { describe, expect, it } from 'vitest';
import type { APIKey, CreatedAPIKey } from '../../api/issue7-apikeys';
import { adminHome, sectionsFor } from '../admin/sections';
import { checkKeyForm, emptyKeyForm, expiryInstant, keyRequest, keyStatus, secretReducer, toggleScope, withCreated } from './keyForm';

const now = new Date(2026, 11, 4, 12, 0, 0);
const key = (over: Partial<APIKey> = {}): APIKey => ({
  id: 7,
  name: 'WhatsApp bot',
  prefix: '3f9a2c1d',
  scopes: ['tickets.create', 'tickets.comment'],
  user: { id: 40, name: 'Bot: WhatsApp bot' },
  created_by: { id: 1, name: 'Admin' },
  created_at: '2026-12-04T10:00:00Z',
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
  ...over,
});
const created: CreatedAPIKey = { key: key(), secret: 'atk_3f9a2c1d_' + 'x'.repeat(43) };

describe('the creation form', () => {
  it('refuses an empty name, no scope and a past expiry, naming each', () => {
    expect(checkKeyForm({ name: '  ', scopes: [], expires: '2026-12-03' }, now)).toEqual({
      name: 'apikeys.form.nameRequired',
      scopes: 'apikeys.form.scopesRequired',
      expires: 'apikeys.form.expiryPast',
    });
    expect(checkKeyForm({ ...emptyKeyForm, name: 'n'.repeat(81) }, now).name).toBe('apikeys.form.nameTooLong');
    expect(checkKeyForm({ ...emptyKeyForm, name: 'Bot', expires: '2026-12-04' }, now)).toEqual({});
  });

  it('sends the trimmed name, the scopes in catalog order and the end of the chosen day', () => {
    const scopes = toggleScope(toggleScope(['tickets.create', 'tickets.comment'], 'tickets.create'), 'tickets.create');
    expect(scopes).toEqual(['tickets.create', 'tickets.comment']);
    expect(toggleScope(scopes, 'tickets.comment')).toEqual(['tickets.create']);
    const req = keyRequest({ name: ' Bot ', scopes: ['tickets.comment'], expires: '2026-12-31' });
    expect(req).toEqual({ name: 'Bot', scopes: ['tickets.comment'], expires_at: new Date(2026, 11, 31, 23, 59, 59).toISOString() });
    expect(keyRequest({ ...emptyKeyForm, name: 'x' }).expires_at).toBeNull();
    expect(expiryInstant('nonsense')).toBeNull();
  });
});

describe('the secret is shown once', () => {
  it('holds the secret after creation and forgets it when dismissed; the list never carries it', () => {
    let s = secretReducer({ secret: null, key: null }, { type: 'created', created });
    expect(s.secret).toBe(created.secret);
    expect(s.key?.prefix).toBe('3f9a2c1d');
    const list = withCreated([key({ id: 3, name: 'Old' })], created);
    expect(list.map((k) => k.id)).toEqual([7, 3]);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    s = secretReducer(s, { type: 'dismissed' });
    expect(s).toEqual({ secret: null, key: null });
  });
});

describe('status and access', () => {
  it('tells revoked, expired and time-limited keys apart', () => {
    expect(keyStatus(key(), now).status).toBe('active');
    expect(keyStatus(key({ revoked_at: '2026-12-04T11:00:00Z', expires_at: '2027-01-01T00:00:00Z' }), now).status).toBe('revoked');
    expect(keyStatus(key({ expires_at: '2026-12-01T00:00:00Z' }), now).status).toBe('expired');
    expect(keyStatus(key({ expires_at: '2027-01-01T00:00:00Z' }), now)).toEqual({ status: 'expires', at: '2027-01-01T00:00:00Z' });
  });

  it('opens the section to apikeys.manage only', () => {
    expect(sectionsFor({ permissions: ['apikeys.manage'] }).map((s) => s.key)).toEqual(['api-keys']);
    expect(adminHome({ permissions: ['apikeys.manage'] })).toBe('/admin/api-keys');
    expect(sectionsFor({ permissions: ['ticket.update'] })).toEqual([]);
  });
});
