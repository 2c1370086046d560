// Issue 3 end to end: a ticket's whole life as agents and a customer see it in the browser. The tests
// run in order on one seeded database and share the ticket the first one creates; the other agent's
// page, the customer and the admin each have their own browser context (their own cookies).
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifact, describePage, launchBrowser, login, newPage, sql, users, waitLive } from './harness';

/** How long the other agent may take to see a change without reloading. */
const liveWithinMs = 3000;

/** A word no seeded ticket holds: the tickets of this run are found by it. */
const token = `zafiro${Date.now().toString(36)}`;
const subject = `Pedido PED-77120 no llegó ${token}`;
const otherSubject = `Consulta de una persona nueva ${token}`;
const newPerson = { name: 'Valentina Ríos', email: `valentina.${token}@example.com` };
const customer = { email: 'customer@atiende.test', name: 'Camilo Pérez' };

const textFile = { name: 'guia-envio.txt', mimeType: 'text/plain', buffer: Buffer.from(`Guía 4455-ABC\nTransportadora: Rápido S.A.\n${token}\n`) };
// A 1×1 PNG.
const pngFile = {
  name: 'foto-caja.png',
  mimeType: 'image/png',
  buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
};

const noteFile = { name: 'informe-transportadora.txt', mimeType: 'text/plain', buffer: Buffer.from(`Solo para el equipo ${Date.now()}\n`) };

const replyText = `Hola Camilo, ya pedimos la guía a la transportadora (${token}).`;
const noteText = `Nota interna: el transportador no responde ${token}`;
const liveReplyText = `Segunda respuesta en vivo ${token}`;

let browser: Browser;
let ctx1: BrowserContext;
let ctx2: BrowserContext;
let p1: Page;
let p2: Page;
/** Extra pages of a test (customer, admin, a blocked page), screenshotted on failure and closed after it. */
let extra: { name: string; page: Page; context?: BrowserContext }[] = [];

/** The ticket of the first test. */
let ticket: { id: number; number: number } | null = null;
let otherNumber = 0;

function created(): { id: number; number: number } {
  if (ticket === null) throw new Error('the first test did not create the ticket');
  return ticket;
}

/** names reads a catalog's names from the database (key → Spanish name). */
async function names(table: string): Promise<Record<string, { id: number; es: string; en: string }>> {
  const out: Record<string, { id: number; es: string; en: string }> = {};
  const rows = await sql(`SELECT key || '|' || id || '|' || name_es || '|' || name_en FROM ${table}`);
  for (const line of rows.split('\n').filter(Boolean)) {
    const [key, id, es, en] = line.split('|') as [string, string, string, string];
    out[key] = { id: Number(id), es, en };
  }
  return out;
}

/** selected is the text of a select's chosen option. */
function selected(select: Locator): Promise<string> {
  return select.evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text ?? '');
}

function optionTexts(select: Locator): Promise<string[]> {
  return select.evaluate((s) => [...(s as HTMLSelectElement).options].map((o) => o.text));
}

function param(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

/** rowNumbers are the ticket numbers of the records table, top to bottom. */
async function rowNumbers(page: Page): Promise<number[]> {
  const ids = await page.locator('[data-testid^="ticket-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid') ?? ''));
  return ids.map((id) => Number(id.replace('ticket-row-', '')));
}

const comments = (page: Page) => page.locator('[data-testid="ticket-detail"] .conversation');
const fieldSelect = (page: Page, name: string) => page.getByTestId(`field-${name}`).locator('select');

async function openTicket(page: Page, id: number): Promise<void> {
  await page.goto(`/tickets/${id}`);
  await page.getByTestId('ticket-detail').waitFor();
}

/** openDialog opens the new-ticket dialog from the header. */
async function openDialog(page: Page): Promise<Locator> {
  await page.getByTestId('new-ticket-button').click();
  const dialog = page.getByTestId('new-ticket-dialog');
  await dialog.getByTestId('nt-subject').waitFor();
  return dialog;
}

beforeAll(async () => {
  browser = await launchBrowser();
  ({ context: ctx1, page: p1 } = await newPage(browser));
  ({ context: ctx2, page: p2 } = await newPage(browser));
  await Promise.all([login(p1, users.agent1.email), login(p2, users.agent2.email)]);
});

afterAll(async () => {
  await ctx1?.close().catch(() => undefined);
  await ctx2?.close().catch(() => undefined);
  await browser?.close();
});

afterEach(async (ctx) => {
  const failed = ctx.task.result?.state === 'fail';
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50);
  const pages = [
    { name: 'agent1', page: p1 },
    { name: 'agent2', page: p2 },
    ...extra,
  ];
  if (failed) {
    for (const p of pages) {
      if (p.page.isClosed()) continue;
      await p.page.screenshot({ path: artifact(`fail-${name}-${p.name}.png`) }).catch(() => undefined);
      console.error(`${p.name}: ${await describePage(p.page)}`);
    }
  }
  for (const p of extra) {
    if (p.context) await p.context.close().catch(() => undefined);
    else await p.page.close().catch(() => undefined);
  }
  extra = [];
});

describe('tickets', () => {
  it('an agent creates a ticket in the dialog: typification, a requester found by search, Markdown, a file that downloads safely', async () => {
    const channels = await names('channels');
    const categories = await names('categories');
    const priorities = await names('priorities');
    await p1.goto('/tickets');
    await p1.getByTestId('tickets-total').waitFor();

    const d = await openDialog(p1);
    await d.getByTestId('nt-channel').selectOption({ label: channels.phone.es });
    await d.getByTestId('nt-category').selectOption({ label: categories.operations.es });
    // The subcategories are the chosen category's.
    const subs = await optionTexts(d.getByTestId('nt-subcategory'));
    expect(subs).toContain(categories.order_not_received.es);
    expect(subs).not.toContain(categories.invoice_error.es);
    await d.getByTestId('nt-subcategory').selectOption({ label: categories.order_not_received.es });
    await d.getByTestId('nt-priority').selectOption({ label: priorities.decide.es });
    await d.getByTestId('nt-requester-search').fill('Camilo P');
    const option = d.locator('[data-testid^="nt-requester-option-"]', { hasText: customer.email });
    await option.click();
    await expect.poll(() => d.getByTestId('nt-requester-chosen').innerText()).toContain(customer.name);
    await d.getByTestId('nt-order').fill('PED-77120');
    await d.getByTestId('nt-subject').fill(subject);
    await d.getByTestId('nt-description').fill(`El pedido **no llegó** a la dirección registrada.\n\n- Caja 1 de 2\n- Caja 2 de 2\n\nGuía: _4455-ABC_`);
    await d.getByTestId('nt-files').setInputFiles(textFile);
    await d.getByTestId('nt-file-0').waitFor();
    await d.getByTestId('nt-submit').click();

    // The ticket opens once its file is uploaded.
    await p1.waitForURL(/\/tickets\/\d+$/, { timeout: 15_000 });
    const detail = p1.getByTestId('ticket-detail');
    await detail.waitFor();
    const id = Number(new URL(p1.url()).pathname.split('/').pop());
    const number = Number(await sql(`SELECT number FROM tickets WHERE id = ${id}`));
    ticket = { id, number };
    expect(await detail.locator('.ticket-head__number').innerText()).toBe(`#${number}`);
    expect(await detail.getByTestId('field-subject').innerText()).toContain(subject);
    // The description is rendered Markdown.
    const description = detail.getByTestId('field-description').locator('.markdown');
    expect(await description.locator('strong').innerText()).toBe('no llegó');
    expect(await description.locator('li').allInnerTexts()).toEqual(['Caja 1 de 2', 'Caja 2 de 2']);
    expect(await description.locator('em').innerText()).toBe('4455-ABC');
    // The fields hold what was chosen.
    expect(await selected(fieldSelect(p1, 'channel'))).toBe(channels.phone.es);
    expect(await selected(fieldSelect(p1, 'category'))).toBe(categories.operations.es);
    expect(await selected(fieldSelect(p1, 'subcategory'))).toBe(categories.order_not_received.es);
    expect(await selected(fieldSelect(p1, 'priority'))).toBe(priorities.decide.es);
    expect(await selected(fieldSelect(p1, 'assignee'))).toBe('Sin asignar');
    expect(await p1.getByTestId('field-requester').innerText()).toContain(customer.name);
    expect(await p1.getByTestId('field-order_number').innerText()).toContain('PED-77120');

    // The file is listed, and downloads as an attachment that the browser must not sniff.
    await p1.getByTestId('tab-attachments').click();
    const link = p1.locator('[data-testid^="attachment-row-"] a', { hasText: textFile.name });
    await link.waitFor();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/api\/v1\/attachments\/\d+$/);
    expect(await link.getAttribute('download')).toBe(textFile.name);
    const res = await p1.request.get(href!);
    expect(res.status()).toBe(200);
    const h = res.headers();
    expect(h['content-disposition']).toMatch(/^attachment;/);
    expect(h['content-disposition']).toContain(textFile.name);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['content-type']).toMatch(/^text\/plain/);
    expect((await res.body()).equals(textFile.buffer)).toBe(true);
  });

  it('a ticket for a new person: name and email in the dialog make a person without a login', async () => {
    const categories = await names('categories');
    const channels = await names('channels');
    const d = await openDialog(p1);
    // The draft of the last ticket is gone.
    expect(await d.getByTestId('nt-subject').inputValue()).toBe('');
    await d.getByTestId('nt-channel').selectOption({ label: channels.email.es });
    await d.getByTestId('nt-category').selectOption({ label: categories.commercial.es });
    await d.getByTestId('nt-requester-new').click();
    // A mistyped address is caught next to its field.
    await d.getByTestId('nt-requester-new-name').fill(newPerson.name);
    await d.getByTestId('nt-requester-new-email').fill('valentina@');
    await d.getByTestId('nt-subject').fill(otherSubject);
    await d.getByTestId('nt-submit').click();
    const email = d.getByTestId('nt-requester-new-email');
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await email.getAttribute('aria-describedby'))?.split(' ').find((x) => x.endsWith('-error'));
    expect(await p1.locator(`[id="${errorId}"]`).innerText()).toBe('Escribe un correo válido.');
    await email.fill(newPerson.email);
    await d.getByTestId('nt-submit').click();

    await p1.waitForURL(/\/tickets\/\d+$/);
    await p1.getByTestId('ticket-detail').waitFor();
    const requester = p1.getByTestId('field-requester');
    await expect.poll(() => requester.innerText()).toContain(newPerson.name);
    expect(await requester.innerText()).toContain(newPerson.email);
    const id = Number(new URL(p1.url()).pathname.split('/').pop());
    otherNumber = Number(await sql(`SELECT number FROM tickets WHERE id = ${id}`));
    expect(await sql(`SELECT u.role || '|' || (u.password_hash = '') FROM tickets t JOIN users u ON u.id = t.requester_id WHERE t.id = ${id}`)).toBe('customer|true');
  });

  it('the records table finds it by category, text and "unassigned"; the filters live in the URL and survive a reload; sorting by number both ways', async () => {
    const { number } = created();
    const categories = await names('categories');
    await p1.goto('/tickets');
    await p1.getByTestId('tickets-total').waitFor();

    const q = p1.getByTestId('filter-q');
    await q.fill(token);
    await expect.poll(() => param(p1, 'q')).toBe(token);
    await expect.poll(() => rowNumbers(p1)).toEqual(expect.arrayContaining([number, otherNumber]));
    expect((await rowNumbers(p1)).length).toBe(2);

    await p1.getByTestId('filter-category').selectOption({ label: categories.operations.es });
    await p1.getByTestId('filter-assignee').selectOption({ value: 'none' });
    await expect.poll(() => param(p1, 'category')).toBe(String(categories.operations.id));
    expect(param(p1, 'assignee')).toBe('none');
    expect(param(p1, 'q')).toBe(token);
    await expect.poll(() => rowNumbers(p1)).toEqual([number]);
    expect(await p1.getByTestId('tickets-total').innerText()).toBe('1 ticket');
    const row = p1.getByTestId(`ticket-row-${number}`);
    expect(await row.innerText()).toContain(subject);
    expect(await row.innerText()).toContain(`${categories.operations.es} / ${categories.order_not_received.es}`);
    expect(await row.innerText()).toContain(customer.name);

    await p1.reload();
    await row.waitFor();
    expect(await rowNumbers(p1)).toEqual([number]);
    expect(await q.inputValue()).toBe(token);
    expect(await selected(p1.getByTestId('filter-category'))).toBe(categories.operations.es);
    expect(await p1.getByTestId('filter-assignee').inputValue()).toBe('none');

    // Back to both tickets, then sort by number one way and the other.
    await p1.getByTestId('filter-category').selectOption({ value: '' });
    await expect.poll(() => param(p1, 'category')).toBe(null);
    await expect.poll(async () => (await rowNumbers(p1)).length).toBe(2);
    const sortNumber = p1.getByTestId('sort-number');
    await sortNumber.click();
    await expect.poll(() => param(p1, 'sort')).toMatch(/^-?number$/);
    const first = param(p1, 'sort');
    const expected = (sort: string | null) => (sort === 'number' ? [number, otherNumber] : [otherNumber, number]);
    await expect.poll(() => rowNumbers(p1)).toEqual(expected(first));
    expect(await p1.locator('th', { has: sortNumber }).getAttribute('aria-sort')).toBe(first === 'number' ? 'ascending' : 'descending');
    await sortNumber.click();
    await expect.poll(() => param(p1, 'sort')).toBe(first === 'number' ? '-number' : 'number');
    await expect.poll(() => rowNumbers(p1)).toEqual(expected(param(p1, 'sort')));
    await p1.reload();
    await row.waitFor();
    expect(await rowNumbers(p1)).toEqual(expected(param(p1, 'sort')));
  });

  it('an agent replies with a file, adds an internal note that looks different, edits a field, and reads the history', async () => {
    const { number } = created();
    const priorities = await names('priorities');
    // From the table (still filtered by the last test) to the ticket.
    await p1.getByTestId(`ticket-row-${number}`).locator('.tickets-subject').click();
    await p1.getByTestId('ticket-detail').waitFor();
    await waitLive(p1);

    const body = p1.getByTestId('composer-body');
    expect(await p1.getByTestId('composer-reply').isChecked()).toBe(true);
    await body.fill(`${replyText}\n\nAdjunto la **foto** de la caja.`);
    await p1.getByTestId('composer-files').setInputFiles(pngFile);
    const send = p1.getByTestId('composer-send');
    // Sent once the file is uploaded.
    await expect.poll(() => send.isEnabled()).toBe(true);
    await send.click();
    const reply = comments(p1).locator('article', { hasText: replyText });
    await reply.waitFor();
    expect(await body.inputValue()).toBe('');
    expect(await reply.locator('strong').innerText()).toBe('foto');
    expect(await reply.innerText()).toContain(users.agent1.name);
    const png = reply.locator('a', { hasText: pngFile.name });
    const res = await p1.request.get((await png.getAttribute('href'))!);
    expect(res.headers()['content-type']).toBe('image/png');
    expect(res.headers()['content-disposition']).toMatch(/^attachment;/);
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    expect((await res.body()).equals(pngFile.buffer)).toBe(true);

    await p1.getByTestId('composer-internal').check();
    await body.fill(noteText);
    await p1.getByTestId('composer-files').setInputFiles(noteFile);
    await expect.poll(() => send.isEnabled()).toBe(true);
    await p1.getByTestId('composer-send').click();
    const note = comments(p1).locator('article', { hasText: noteText });
    await note.waitFor();
    expect(await note.innerText()).toContain('Nota interna');
    expect(await note.locator('a', { hasText: noteFile.name }).count()).toBe(1);
    const bg = (l: Locator) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
    const [noteBg, replyBg] = [await bg(note), await bg(reply)];
    expect(noteBg).not.toBe(replyBg);
    expect(noteBg).not.toBe('rgba(0, 0, 0, 0)');
    expect(await reply.innerText()).not.toContain('Nota interna');
    expect(await p1.getByTestId('tab-conversation').innerText()).toContain('(2)');

    // An edit of the priority, saved at once.
    await fieldSelect(p1, 'priority').selectOption({ label: priorities.do.es });
    await expect
      .poll(() => sql(`SELECT p.key FROM tickets t JOIN priorities p ON p.id = t.priority_id WHERE t.number = ${number}`))
      .toBe('do');

    // An affected person chosen, then removed: the history still names them.
    const affected = p1.getByTestId('field-affected');
    await affected.locator('button.tf__value').click();
    await affected.getByTestId('field-affected-input').fill('Valentina');
    await affected.getByRole('option', { name: new RegExp(newPerson.email.replace(/\./g, '\\.')) }).click();
    const affectedEmail = () => sql(`SELECT coalesce(u.email, '') FROM tickets t LEFT JOIN users u ON u.id = t.affected_id WHERE t.number = ${number}`);
    await expect.poll(affectedEmail).toBe(newPerson.email);
    await expect.poll(() => affected.innerText()).toContain(newPerson.name);
    await affected.locator('button.tf__value').click();
    await affected.getByRole('button', { name: `Quitar a ${newPerson.name}` }).click();
    await expect.poll(affectedEmail).toBe('');

    await p1.getByTestId('tab-history').click();
    const entries = p1.getByTestId('history-entry');
    await expect.poll(async () => (await entries.allInnerTexts()).join('\n')).toContain(`${priorities.decide.es} → ${priorities.do.es}`);
    const history = (await entries.allInnerTexts()).join('\n');
    expect(history).toContain(`Ticket creado: ${subject}`);
    expect(history).toMatch(new RegExp(`${users.agent1.name}\\s*Prioridad: ${priorities.decide.es} → ${priorities.do.es}`));
    expect(history).toContain(`Archivo adjunto: ${textFile.name}`);
    expect(history).toContain(`Archivo adjunto: ${pngFile.name}`);
    expect(history).toContain(`Archivo adjunto: ${noteFile.name}`);
    expect(history).toContain(`Afectado: — → ${newPerson.name}`);
    expect(history).toContain(`Afectado: ${newPerson.name} → —`);
    // No ids where names belong.
    expect(history).not.toMatch(/#\d+ →|→ #\d+/);
    await p1.getByTestId('tab-conversation').click();
  });

  it('the other agent, on the same ticket, sees who is viewing and typing and gets the reply without reloading', async () => {
    const { id } = created();
    await openTicket(p2, id);
    await waitLive(p2);
    await openTicket(p1, id);
    await waitLive(p1);
    const presence2 = p2.getByTestId('presence');
    await expect.poll(() => presence2.innerText(), { timeout: liveWithinMs }).toBe(`También viendo: ${users.agent1.name}`);
    const presence1 = p1.getByTestId('presence');
    await expect.poll(() => presence1.innerText(), { timeout: liveWithinMs }).toBe(`También viendo: ${users.agent2.name}`);

    await p1.getByTestId('composer-reply').check();
    await p1.getByTestId('composer-body').pressSequentially('Segunda respuesta', { delay: 20 });
    await expect.poll(() => presence2.innerText(), { timeout: liveWithinMs }).toBe(`${users.agent1.name} está escribiendo…`);

    await p1.getByTestId('composer-body').fill(liveReplyText);
    await p1.getByTestId('composer-send').click();
    await comments(p2).locator('article', { hasText: liveReplyText }).waitFor({ timeout: liveWithinMs });
    // Agent 2 sees the earlier reply and note too, and the count follows.
    expect(await comments(p2).innerText()).toContain(noteText);
    await expect.poll(() => p2.getByTestId('tab-conversation').innerText()).toContain('(3)');
    // Sent: no longer typing.
    await expect.poll(() => presence2.innerText(), { timeout: liveWithinMs }).toBe(`También viendo: ${users.agent1.name}`);
    // Agent 1 leaves the ticket: agent 2 sees nobody else.
    await p1.getByRole('link', { name: '← Tickets' }).click();
    await p1.getByTestId('tickets-total').waitFor();
    await expect.poll(() => presence2.innerText(), { timeout: liveWithinMs }).toBe('');
  });

  it('the records table follows other agents live: a changed row in place, a new ticket behind a "refresh" banner', async () => {
    const { id, number } = created();
    const statuses = await names('statuses');
    const categories = await names('categories');
    const channels = await names('channels');
    await p1.goto(`/tickets?q=${token}`);
    const row = p1.getByTestId(`ticket-row-${number}`);
    await row.waitFor();
    await waitLive(p1);
    expect(await row.locator('.tickets-cell--status').innerText()).toBe(statuses.unattended.es);
    const before = await rowNumbers(p1);

    if (!new URL(p2.url()).pathname.endsWith(`/tickets/${id}`)) await openTicket(p2, id);
    await fieldSelect(p2, 'status').selectOption({ label: statuses.in_progress.es });
    await fieldSelect(p2, 'assignee').selectOption({ label: users.agent2.name });
    await expect.poll(() => row.locator('.tickets-cell--status').innerText(), { timeout: liveWithinMs }).toBe(statuses.in_progress.es);
    await expect.poll(() => row.locator('.tickets-cell--assignee').innerText(), { timeout: liveWithinMs }).toBe(users.agent2.name);
    // Not moved under the user's pointer.
    expect(await rowNumbers(p1)).toEqual(before);

    // Agent 2 opens a third ticket with the word.
    const d = await openDialog(p2);
    await d.getByTestId('nt-channel').selectOption({ label: channels.chatbot.es });
    await d.getByTestId('nt-category').selectOption({ label: categories.finance.es });
    await d.getByTestId('nt-requester-search').fill(customer.email);
    await d.locator('[data-testid^="nt-requester-option-"]', { hasText: customer.email }).click();
    await d.getByTestId('nt-subject').fill(`Pago sin identificar ${token}`);
    await d.getByTestId('nt-submit').click();
    await p2.waitForURL((u) => /\/tickets\/\d+$/.test(u.pathname) && !u.pathname.endsWith(`/${id}`));
    const third = Number(await sql(`SELECT number FROM tickets WHERE subject = 'Pago sin identificar ${token}'`));

    const banner = p1.getByTestId('tickets-refresh');
    await banner.waitFor({ timeout: liveWithinMs });
    expect(await banner.innerText()).toMatch(/^\d+ tickets? nuevos? o cambiados? — actualizar$/);
    expect(await rowNumbers(p1)).not.toContain(third);
    await banner.click();
    await p1.getByTestId(`ticket-row-${third}`).waitFor();
    await banner.waitFor({ state: 'detached' });
    expect((await rowNumbers(p1)).sort()).toEqual([...before, third].sort());
    await openTicket(p2, id);
  });

  it('a stale edit opens the conflict panel with what changed; "keep theirs" takes the current value', async () => {
    const { id, number } = created();
    const priorities = await names('priorities');
    // A page of agent 1 whose live connection never reaches the server: it keeps showing the ticket as
    // it was loaded, as a page would while its connection is down.
    const stale = await ctx1.newPage();
    extra.push({ name: 'agent1-stale', page: stale });
    await stale.routeWebSocket(/\/api\/v1\/live/, () => undefined);
    // The other page of agent 1 is live on the ticket.
    await openTicket(p1, id);
    await waitLive(p1);
    await openTicket(stale, id);
    expect(await selected(fieldSelect(stale, 'priority'))).toBe(priorities.do.es);

    // Agent 2 changes the priority; agent 2's page shows it.
    await fieldSelect(p2, 'priority').selectOption({ label: priorities.delete.es });
    await expect
      .poll(() => sql(`SELECT p.key FROM tickets t JOIN priorities p ON p.id = t.priority_id WHERE t.number = ${number}`))
      .toBe('delete');
    expect(await selected(fieldSelect(stale, 'priority'))).toBe(priorities.do.es);

    // Agent 1, on the stale page, changes it too.
    await fieldSelect(stale, 'priority').selectOption({ label: priorities.decide.es });
    const panel = stale.getByTestId('conflict-panel');
    await panel.waitFor();
    const row = panel.getByTestId('conflict-row-priority_id');
    expect(await row.innerText()).toBe(`Prioridad lo cambió otra persona: tuyo ${priorities.decide.es}, ahora ${priorities.delete.es}`);
    // Nothing was overwritten.
    expect(await sql(`SELECT p.key FROM tickets t JOIN priorities p ON p.id = t.priority_id WHERE t.number = ${number}`)).toBe('delete');

    await panel.getByTestId('conflict-keep-theirs').click();
    await panel.waitFor({ state: 'detached' });
    expect(await selected(fieldSelect(stale, 'priority'))).toBe(priorities.delete.es);
    expect(await sql(`SELECT p.key FROM tickets t JOIN priorities p ON p.id = t.priority_id WHERE t.number = ${number}`)).toBe('delete');
    // Agent 1's live page followed agent 2's change.
    await expect.poll(() => selected(fieldSelect(p1, 'priority')), { timeout: liveWithinMs }).toBe(priorities.delete.es);
  });

  it('the customer sees the public replies of their ticket but never the internal note, and cannot edit fields', async () => {
    const { id } = created();
    const { context, page } = await newPage(browser);
    extra.push({ name: 'customer', page, context });
    await login(page, customer.email);
    await openTicket(page, id);
    const conversation = comments(page);
    await conversation.locator('article', { hasText: replyText }).waitFor();
    const text = await conversation.innerText();
    expect(text).toContain(liveReplyText);
    expect(text).not.toContain(noteText);
    expect(text).not.toContain('Nota interna');
    expect(await page.getByTestId('tab-conversation').innerText()).toContain('(2)');
    // The reply's picture is theirs to see.
    expect(await conversation.locator('a', { hasText: pngFile.name }).count()).toBe(1);
    // The API agrees: no internal comment reaches the customer.
    const res = await page.request.get(`/api/v1/tickets/${id}/comments`);
    const items = ((await res.json()) as { items: { public: boolean; body: string }[] }).items;
    expect(items.length).toBe(2);
    expect(items.every((c) => c.public)).toBe(true);

    // The file the agent attached in the dialog belongs to the ticket and the reply's picture is theirs;
    // the internal note's file is in no tab.
    await page.getByTestId('tab-attachments').click();
    await page.locator('[data-testid^="attachment-row-"]').first().waitFor();
    const files = await page.locator('[data-testid^="attachment-row-"] a').allInnerTexts();
    expect(files).toEqual([textFile.name, pngFile.name]);
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-entry').first().waitFor();
    const history = (await page.getByTestId('history-entry').allInnerTexts()).join('\n');
    expect(history).toContain(`Ticket creado: ${subject}`);
    expect(history).toContain(pngFile.name);
    expect(history).toContain(textFile.name);
    expect(history).not.toContain(noteFile.name);
    await page.getByTestId('tab-conversation').click();

    // Fields are shown, not edited.
    const detail = page.getByTestId('ticket-detail');
    expect(await detail.locator('.ticket-fields select').count()).toBe(0);
    expect(await detail.locator('button.tf__value').count()).toBe(0);
    expect(await page.getByTestId('field-description-edit').count()).toBe(0);
    expect(await page.getByTestId('field-subject').locator('button').count()).toBe(0);
    // They may reply, but there is no internal note for them.
    await page.getByTestId('composer-body').waitFor();
    expect(await page.getByTestId('composer-internal').count()).toBe(0);
    // No presence for customers.
    expect(await page.getByTestId('presence').innerText()).toBe('');

    // On a phone the page is one column: nothing wider than the screen, the description as wide as the
    // fields below it.
    await page.setViewportSize({ width: 390, height: 800 });
    const layout = () =>
      page.evaluate(() => {
        const box = (sel: string) => document.querySelector(sel)?.getBoundingClientRect().width ?? 0;
        return { overflow: document.documentElement.scrollWidth - window.innerWidth, main: box('.ticket-main'), side: box('.ticket-side') };
      });
    await expect.poll(async () => (await layout()).overflow).toBeLessThanOrEqual(0);
    const { main, side } = await layout();
    expect(main).toBeGreaterThan(300);
    expect(Math.abs(main - side)).toBeLessThan(2);
    // Their tickets are one tap away, as cards.
    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    const card = page.locator('[data-testid^="ticket-row-"]').first();
    await card.waitFor();
    expect(await page.locator('.tickets-table thead').isVisible()).toBe(false);
    expect((await layout()).overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1600, height: 900 });
    await openTicket(page, id);

    // A ticket of their own, with a file: no channel, priority or requester to choose.
    const categories = await names('categories');
    const d = await openDialog(page);
    expect(await d.getByTestId('nt-channel').count()).toBe(0);
    expect(await d.getByTestId('nt-priority').count()).toBe(0);
    expect(await d.getByTestId('nt-requester-search').count()).toBe(0);
    await d.getByTestId('nt-category').selectOption({ label: categories.customer_service.es });
    await d.getByTestId('nt-subcategory').selectOption({ label: categories.data_update.es });
    await d.getByTestId('nt-subject').fill(`Cambio de dirección ${token}`);
    await d.getByTestId('nt-description').fill('Me mudé a la **calle 10**.');
    await d.getByTestId('nt-files').setInputFiles(pngFile);
    await d.getByTestId('nt-submit').click();
    await page.waitForURL((u) => /\/tickets\/\d+$/.test(u.pathname) && !u.pathname.endsWith(`/${id}`), { timeout: 15_000 });
    await page.getByTestId('ticket-detail').waitFor();
    expect(await page.getByTestId('field-requester').innerText()).toContain(customer.name);
    expect(await page.getByTestId('field-description').locator('strong').innerText()).toBe('calle 10');
    await page.getByTestId('tab-attachments').click();
    await page.locator('[data-testid^="attachment-row-"]').first().waitFor();
    expect(await page.locator('[data-testid^="attachment-row-"] a').allInnerTexts()).toEqual([pngFile.name]);
    const own = new URL(page.url()).pathname.split('/').pop();
    expect(await sql(`SELECT c.key || '|' || u.email FROM tickets t JOIN channels c ON c.id = t.channel_id JOIN users u ON u.id = t.requester_id WHERE t.id = ${own}`)).toBe(
      `web_form|${customer.email}`,
    );
    // Their records table lists their own tickets only.
    await page.goto(`/tickets?q=${token}`);
    await page.getByTestId('tickets-total').waitFor();
    const mine = await sql(`SELECT count(*) FROM tickets t JOIN users u ON u.id = t.requester_id WHERE u.email = '${customer.email}' AND t.subject LIKE '%${token}%'`);
    expect(mine).toBe('3');
    await expect.poll(async () => (await rowNumbers(page)).length).toBe(3);
    expect(await rowNumbers(page)).not.toContain(otherNumber);
  });
});
