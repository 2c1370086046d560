// API keys end to end (/admin/api-keys): the admin creates a key that may only open tickets, with an
// expiry, and sees its secret once; a bot (plain fetch with the bearer secret, no cookie) opens a ticket
// with an Idempotency-Key, and the retry answers the same ticket; the admin finds it in the desk; the key
// may not comment (no tickets.comment scope); after a reload the list shows the key by its prefix only;
// once the admin revokes it, the next request with it is refused.
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, artifact, baseURL, describePage, launchBrowser, newPage, poll, signIn, sql } from './harness';

const adminEmail = 'admin@atiende.test';
const stamp = Date.now().toString(36);
const keyName = `Bot de WhatsApp ${stamp}`;
/** The key's last day: in a month (a date input's value, read in the browser's time zone). */
const expiryDay = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const secretShape = /^atk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;

let browser: Browser;
let adminCtx: BrowserContext;
let admin: Page;

/** What the tests learn on the way: the key's secret, its id, the ticket its bot opened. */
let secret = '';
let keyId = 0;
let botTicket: { id: number; number: number; subject: string } | null = null;

beforeAll(async () => {
  browser = await launchBrowser();
  ({ context: adminCtx, page: admin } = await newPage(browser));
  // The admin's home is the board with every ticket: on a busy machine it can take a while to paint.
  adminCtx.setDefaultTimeout(30_000);
  await signIn(admin, adminEmail);
});

afterAll(async () => {
  await adminCtx?.close().catch(() => undefined);
  await browser?.close();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await admin?.screenshot({ path: artifact(`fail-apikeys-${name}-admin.png`) }).catch(() => undefined);
  if (admin) console.error(`admin: ${await describePage(admin)}`);
});

interface BotAnswer {
  status: number;
  headers: Headers;
  body: { id?: number; number?: number; subject?: string; error?: { code: string; message: string } } | null;
}

/** bot calls the API as another system does: the bearer secret, JSON, no cookie and no CSRF header. */
async function bot(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<BotAnswer> {
  const headers: Record<string, string> = { Authorization: `Bearer ${secret}`, Accept: 'application/json', 'Accept-Language': 'es' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
  const res = await fetch(`${baseURL()}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? null : (JSON.parse(text) as BotAnswer['body']) };
}

/** A bot's ticket: a customer named by name and email, typified, from the chatbot. */
async function ticketBody(subject: string): Promise<Record<string, unknown>> {
  const ids = await sql(`SELECT (SELECT id FROM categories WHERE key = 'operations') || ' ' || (SELECT id FROM categories WHERE key = 'order_not_received')
    || ' ' || (SELECT id FROM channels WHERE key = 'chatbot')`);
  const [category, subcategory, channel] = ids.split(' ').map(Number) as [number, number, number];
  return {
    subject,
    description: 'Menú, opción 1: mi pedido no ha llegado.',
    category_id: category,
    subcategory_id: subcategory,
    channel_id: channel,
    requester: { name: 'Ana Pérez', email: `ana.${stamp}@example.com` },
  };
}

const row = () => admin.getByTestId(`apikey-row-${keyId}`);

/** heapHolds reports whether a string is anywhere in the page's JavaScript memory, after a garbage
 * collection (a heap snapshot through the Chrome DevTools protocol). */
async function heapHolds(page: Page, needle: string): Promise<boolean> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const chunks: string[] = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    return chunks.join('').includes(needle);
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

describe('API keys', () => {
  it('the admin creates a key that may open tickets, with an expiry, and sees its secret once', async () => {
    // From the admin area (loaded afresh: the board the admin landed on, with every ticket, is not kept in
    // the page's memory, which keeps the memory check below quick).
    await admin.goto('/admin/users');
    await admin.getByTestId('admin-nav').waitFor();
    await admin.getByTestId('admin-section-api-keys').click();
    await admin.waitForURL((u) => u.pathname === '/admin/api-keys');
    await admin.getByTestId('apikeys-page').waitFor();
    await admin.getByRole('heading', { name: 'Claves de API' }).waitFor();

    await admin.getByTestId('apikeys-new').click();
    const dialog = admin.getByTestId('apikey-dialog');
    await dialog.getByRole('heading', { name: 'Nueva clave de API' }).waitFor();
    await dialog.getByTestId('apikey-name').fill(keyName);
    // Both scopes come checked: the admin leaves only "open tickets".
    expect(await dialog.getByTestId('apikey-scope-tickets.create').isChecked()).toBe(true);
    await dialog.getByTestId('apikey-scope-tickets.comment').uncheck();
    await dialog.getByTestId('apikey-expires').fill(expiryDay);
    await dialog.getByTestId('apikey-create').click();

    const shown = admin.getByTestId('apikey-secret-dialog');
    await shown.getByRole('heading', { name: 'Copia la clave ahora' }).waitFor();
    expect(await dialog.count()).toBe(0);
    expect(await shown.getByRole('alert').innerText()).toContain('Esta es la única vez que se muestra la clave.');
    secret = await shown.getByTestId('apikey-secret').inputValue();
    const prefix = secretShape.exec(secret)?.[1];
    expect(prefix, `secret ${JSON.stringify(secret)}`).toBeDefined();

    // The list behind the dialog already holds the key, by its prefix.
    keyId = Number(await sql(`SELECT id FROM api_keys WHERE prefix = '${prefix}'`));
    expect(keyId).toBeGreaterThan(0);
    const cells = row().locator('td');
    expect(await cells.nth(0).innerText()).toBe(keyName);
    expect(await cells.nth(1).innerText()).toBe(`atk_${prefix}_…`);
    expect(await cells.nth(2).innerText()).toBe('Abrir tickets');
    expect(await admin.getByTestId(`apikey-status-${keyId}`).innerText()).toMatch(/^Activa hasta el \S/);

    await shown.getByTestId('apikey-secret-done').click();
    await shown.waitFor({ state: 'detached' });
    // Gone from the page once the dialog is closed; and once the admin moves on to another page of the
    // app (no reload), from the page's memory too.
    expect(await admin.content()).not.toContain(secret);
    await admin.getByTestId('admin-section-users').click();
    await admin.waitForURL((u) => u.pathname === '/admin/users');
    await poll('the secret still in the page’s memory', () => heapHolds(admin, secret.slice(13)), (held) => !held, 20_000);
    await admin.getByTestId('admin-section-api-keys').click();
    await row().waitFor();

    // Stored: only the secret's hash, the one scope, the end of the chosen day in the browser's zone.
    const stored = await sql(`SELECT encode(secret_hash, 'hex') || ' ' || array_to_string(scopes, ',') || ' '
      || to_char(expires_at AT TIME ZONE 'America/Bogota', 'YYYY-MM-DD"T"HH24:MI:SS') FROM api_keys WHERE id = ${keyId}`);
    expect(stored.split(' ')).toEqual([createHash('sha256').update(secret).digest('hex'), 'tickets.create', `${expiryDay}T23:59:59`]);
  });

  it('with the key, a bot opens a ticket; the retry with the same Idempotency-Key answers the same ticket', async () => {
    expect(secret).toMatch(secretShape);
    const subject = `Pedido no recibido b${stamp}`;
    const body = await ticketBody(subject);
    const idem = `chat-${stamp}-open`;

    const first = await bot('POST', '/tickets', body, idem);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const id = first.body?.id ?? 0;
    const number = first.body?.number ?? 0;
    expect(id).toBeGreaterThan(0);
    expect(first.body?.subject).toBe(subject);

    const again = await bot('POST', '/tickets', body, idem);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect([again.body?.id, again.body?.number]).toEqual([id, number]);

    // The same key with another body is refused, and opens nothing.
    const other = await bot('POST', '/tickets', { ...body, subject: `${subject} (otro)` }, idem);
    expect(other.status, JSON.stringify(other.body)).toBe(422);
    expect(Number(await sql(`SELECT count(*) FROM tickets WHERE subject LIKE 'Pedido no recibido b${stamp}%'`))).toBe(1);
    // The ticket is the key's: its service user created it.
    const creator = await sql(`SELECT u.name FROM tickets t JOIN users u ON u.id = t.created_by WHERE t.id = ${id}`);
    expect(creator).toBe(`Bot: ${keyName}`);
    botTicket = { id, number, subject };

    // The admin finds it in the desk: in the records table, and on its page with who opened it.
    await admin.goto(`/tickets?q=b${stamp}`);
    const line = admin.getByTestId(`ticket-row-${number}`);
    await line.waitFor();
    expect(await line.innerText()).toContain(subject);
    await expect.poll(() => admin.getByTestId('tickets-total').innerText()).toBe('1 ticket');
    await line.click();
    await admin.waitForURL((u) => u.pathname === `/tickets/${id}` || u.pathname === `/tickets/${number}`);
    await expect.poll(() => admin.getByTestId('field-subject').innerText()).toContain(subject);
    await admin.getByTestId('tab-history').click();
    const entries = admin.getByTestId('history-entry');
    await entries.first().waitFor();
    await expect.poll(async () => (await entries.locator('.history__who').allInnerTexts()).includes(`Bot: ${keyName}`)).toBe(true);
  });

  it('without the tickets.comment scope, the key may not comment: 403, and nothing is written', async () => {
    if (botTicket === null) throw new Error('the previous test opened no ticket');
    const before = Number(await sql(`SELECT count(*) FROM ticket_comments WHERE ticket_id = ${botTicket.id}`));
    const res = await bot('POST', `/tickets/${botTicket.id}/comments`, { body: 'Gracias, seguimos en contacto.', public: true }, `chat-${stamp}-reply`);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body?.error?.code).toBe('forbidden');
    expect(Number(await sql(`SELECT count(*) FROM ticket_comments WHERE ticket_id = ${botTicket.id}`))).toBe(before);
    // What the scope does allow still works: reading the ticket the key opened.
    const read = await bot('GET', `/tickets/${botTicket.id}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body?.subject).toBe(botTicket.subject);
  });

  it('after a reload, the list shows the key by its prefix only, never its secret', async () => {
    expect(secret).toMatch(secretShape);
    const prefix = secret.slice(4, 12);
    await admin.goto('/admin/api-keys');
    await row().waitFor();
    expect(await admin.getByTestId('apikey-secret-dialog').count()).toBe(0);
    expect(await row().locator('td').nth(1).innerText()).toBe(`atk_${prefix}_…`);
    // Used by the bot: "last used" is no longer "never".
    expect(await row().locator('td').nth(5).innerText()).not.toBe('Nunca');
    const html = await admin.content();
    expect(html).not.toContain(secret);
    expect(html).not.toContain(secret.slice(13));
    // Nor does the API the page reads send it.
    const page = await apiOf(adminCtx, admin)<unknown>('GET', '/admin/api-keys');
    expect(JSON.stringify(page)).not.toContain(secret.slice(13));
  });

  it('the admin revokes the key; the next request with it is refused with 401', async () => {
    expect(secret).toMatch(secretShape);
    await admin.goto('/admin/api-keys');
    await admin.getByTestId(`apikey-revoke-${keyId}`).click();
    const dialog = admin.getByTestId('apikey-revoke-dialog');
    await dialog.getByRole('heading', { name: `¿Revocar «${keyName}»?` }).waitFor();
    await dialog.getByTestId('apikey-revoke-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => admin.getByTestId(`apikey-status-${keyId}`).innerText()).toMatch(/^Revocada el \S/);
    expect(await admin.getByTestId(`apikey-revoke-${keyId}`).count()).toBe(0);

    const subject = `Después de revocar r${stamp}`;
    const res = await bot('POST', '/tickets', await ticketBody(subject), `chat-${stamp}-after-revoke`);
    expect(res.status, JSON.stringify(res.body)).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="atiende"');
    expect(Number(await sql(`SELECT count(*) FROM tickets WHERE subject = '${subject}'`))).toBe(0);
    if (botTicket !== null) expect((await bot('GET', `/tickets/${botTicket.id}`)).status).toBe(401);
    // Still revoked after a reload.
    await admin.reload();
    await expect.poll(() => admin.getByTestId(`apikey-status-${keyId}`).innerText()).toMatch(/^Revocada el \S/);
  });
});
