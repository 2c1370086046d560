// Issue 7 end to end: the customer's order listing. The customer (on a phone-sized screen) lands on
// their orders, each with the live status of its tickets; an agent changes the status of one of those
// tickets in another browser and the listing shows it without a reload; the customer opens a ticket
// from an order (the order filled in) and sees it appear on that order; the ticket page shows the
// customer the public conversation and never an internal note.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, artifact, describePage, launchBrowser, newPage, poll, signIn, sql, users, waitLive } from './harness';

const customerEmail = 'customer@atiende.test';
const stamp = Date.now().toString(36);

let browser: Browser;
let customerCtx: BrowserContext;
let agentCtx: BrowserContext;
let customer: Page;
let agent: Page;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  browser = await launchBrowser();
  ({ context: customerCtx, page: customer } = await newPage(browser, { width: 375, height: 740 }));
  ({ context: agentCtx, page: agent } = await newPage(browser));
  api = apiOf(agentCtx, agent);
  await signIn(customer, customerEmail);
  await signIn(agent, users.agent1.email);
});

afterAll(async () => {
  for (const c of [customerCtx, agentCtx]) await c?.close().catch(() => undefined);
  await browser?.close();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await customer?.screenshot({ path: artifact(`fail-portal-${name}-customer.png`) }).catch(() => undefined);
  await agent?.screenshot({ path: artifact(`fail-portal-${name}-agent.png`) }).catch(() => undefined);
});

/** moveToAnother changes a ticket's status to the first other status its workflow accepts. */
async function moveToAnother(ticketId: number): Promise<number> {
  const t = await api<{ version: number; status_id: number }>('GET', `/tickets/${ticketId}`);
  const candidates = (
    await sql(
      `SELECT id FROM statuses WHERE active AND id <> ${t.status_id} AND grp <> 'done' ORDER BY CASE grp WHEN 'doing' THEN 0 ELSE 1 END, position, id`,
    )
  )
    .split('\n')
    .filter((x) => x.trim() !== '')
    .map(Number);
  for (const id of candidates) {
    const ok = await api('PATCH', `/tickets/${ticketId}`, { status_id: id, version: t.version }).then(
      () => true,
      () => false,
    );
    if (ok) return id;
  }
  throw new Error(`no status accepted for ticket ${ticketId}`);
}

describe("customer's order listing", () => {
  it('lands on the orders, follows a status change live, and opens a ticket from an order', async () => {
    await customer.waitForURL((u) => u.pathname === '/orders');
    await customer.getByTestId('portal-orders').waitFor();
    await waitLive(customer);

    // A ticket of the customer's that the demo put on one of their orders.
    const row = await sql(
      `SELECT t.id || ' ' || t.status_id || ' ' || o.number FROM tickets t JOIN orders o ON o.number = t.order_number
         JOIN users u ON u.id = o.person_id JOIN statuses s ON s.id = t.status_id
        WHERE u.email = '${customerEmail}' AND t.requester_id = u.id AND s.grp <> 'done' ORDER BY t.id LIMIT 1`,
    );
    const [ticketId, statusId, orderNumber] = row.trim().split(' ');
    expect(Number(ticketId)).toBeGreaterThan(0);
    const item = customer.getByTestId(`portal-ticket-${ticketId}`);
    await item.waitFor();
    expect(await item.getAttribute('data-status')).toBe(statusId);
    // Nothing on the page is wider than the phone's screen.
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // The agent changes the ticket's status in another browser; the listing follows without a reload.
    await customer.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
    const target = await moveToAnother(Number(ticketId));
    const label = (await sql(`SELECT name_es FROM statuses WHERE id = ${target}`)).trim();
    try {
      await poll('the new status on the listing', () => item.getAttribute('data-status'), (v) => v === String(target));
      await poll('its label', () => item.getByTestId('portal-ticket-status').innerText(), (v) => v.trim() === label);
    } catch (err) {
      throw new Error(`${String(err)}\n${await describePage(customer)}`);
    }
    expect(await customer.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // A ticket opened from the order carries its number and appears on that order.
    const order = customer.getByTestId(`order-${orderNumber}`);
    const before = await order.locator('[data-testid^="portal-ticket-"][data-status]').count();
    await customer.getByTestId(`order-create-${orderNumber}`).click();
    const dialog = customer.getByTestId('new-ticket-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('nt-order').inputValue()).toBe(orderNumber);
    const category = dialog.getByTestId('nt-category');
    await category.selectOption((await category.locator('option').nth(1).getAttribute('value')) ?? '');
    await dialog.getByTestId('nt-subject').fill(`Falta un producto ${stamp}`);
    await dialog.getByTestId('nt-description').fill('Llegó la caja pero faltaba el champú.');
    await dialog.getByTestId('nt-submit').click();
    await poll('the new ticket on its order', () => order.locator('[data-testid^="portal-ticket-"][data-status]').count(), (n) => n === before + 1);
    await order.getByText(`Falta un producto ${stamp}`).waitFor();
    expect((await sql(`SELECT order_number FROM tickets WHERE subject = 'Falta un producto ${stamp}'`)).trim()).toBe(orderNumber);
  });

  it('the ticket page shows the customer the public conversation, not internal notes', async () => {
    const id = Number(
      (
        await sql(
          `SELECT t.id FROM tickets t JOIN users u ON u.id = t.requester_id WHERE u.email = '${customerEmail}' AND t.order_number IS NOT NULL ORDER BY t.id LIMIT 1`,
        )
      ).trim(),
    );
    await api('POST', `/tickets/${id}/comments`, { body: `Respuesta pública ${stamp}`, public: true });
    await api('POST', `/tickets/${id}/comments`, { body: `Nota interna ${stamp}`, public: false });
    await customer.goto(`/tickets/${id}`);
    await customer.getByText(`Respuesta pública ${stamp}`).waitFor();
    expect(await customer.getByText(`Nota interna ${stamp}`).count()).toBe(0);
  });
});
