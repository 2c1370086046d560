// Issue 6 end to end: SLA clocks live. An admin adds a short policy (first response in 24 s, at risk at
// half of it, the queue's supervisors told on breach) ahead of the others; a ticket that falls under it
// shows a countdown on the agent's board that turns at risk, then breached, without a reload; and the
// supervisor's bell, in another browser, lights when the breach escalates.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifact, launchBrowser, login, newPage, sql, users, waitLive } from './harness';

const token = `ambar${Date.now().toString(36)}`;

let browser: Browser;
let adminCtx: BrowserContext;
let agentCtx: BrowserContext;
let supCtx: BrowserContext;
let admin: Page;
let agent: Page;
let sup: Page;
let policyId: number | null = null;

/** api calls the API with the page's session (cookies and the CSRF header), as the SPA does. */
async function api<T>(ctx: BrowserContext, page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const csrf = (await ctx.cookies()).find((c) => c.name === 'atiende_csrf')?.value ?? '';
  const res = await page.request.fetch(`/api/v1${path}`, {
    method,
    headers: { 'X-CSRF-Token': csrf, 'Accept-Language': 'es', Accept: 'application/json' },
    ...(body === undefined ? {} : { data: body }),
  });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  browser = await launchBrowser();
  ({ context: adminCtx, page: admin } = await newPage(browser));
  ({ context: agentCtx, page: agent } = await newPage(browser));
  ({ context: supCtx, page: sup } = await newPage(browser));
  await Promise.all([login(admin, 'admin@atiende.test'), login(agent, users.agent1.email), login(sup, 'supervisor@atiende.test')]);
});

afterAll(async () => {
  if (policyId !== null) {
    // Other test files must not meet this policy: it goes back out of the way.
    await sql(`UPDATE sla_policies SET active = false WHERE id = ${policyId}`).catch(() => undefined);
  }
  for (const c of [adminCtx, agentCtx, supCtx]) await c?.close().catch(() => undefined);
  await browser?.close();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await agent?.screenshot({ path: artifact(`fail-sla-${name}-agent.png`) }).catch(() => undefined);
  await sup?.screenshot({ path: artifact(`fail-sla-${name}-supervisor.png`) }).catch(() => undefined);
});

describe('SLA on the board', () => {
  it("a short policy's countdown turns at risk, then breached, live; the supervisor's bell lights", async () => {
    const [priorityId, queueId, categoryId, channelId, requesterId] = (
      await sql(
        `SELECT (SELECT id FROM priorities WHERE active ORDER BY position, id LIMIT 1) || '|' || (SELECT id FROM queues WHERE key = 'level_1') || '|' ||
                (SELECT id FROM categories WHERE parent_id IS NULL AND active ORDER BY position, id LIMIT 1) || '|' ||
                (SELECT id FROM channels WHERE active ORDER BY position, id LIMIT 1) || '|' || (SELECT id FROM users WHERE email = 'customer@atiende.test')`,
      )
    )
      .split('|')
      .map(Number) as [number, number, number, number, number];
    const p = await api<{ id: number }>(adminCtx, admin, 'POST', '/sla/policies', {
      name: { es: `Prueba corta ${token}`, en: `Short test ${token}` },
      active: true,
      priority_ids: [priorityId],
      category_ids: [],
      queue_ids: [queueId],
      channel_ids: [],
      first_response_seconds: 24,
      resolution_seconds: 3600,
      at_risk_percent: 50,
      calendar_id: null,
      pause_status_ids: [],
      escalations: [{ on: 'breach', clock: 'first_response', action: 'notify_supervisors' }],
    });
    policyId = p.id;
    const all = await api<{ items: { id: number }[] }>(adminCtx, admin, 'GET', '/sla/policies');
    await api(adminCtx, admin, 'POST', '/sla/policies/order', { ids: [p.id, ...all.items.map((x) => x.id).filter((id) => id !== p.id)] });

    // The supervisor watches his bell; the agent watches her board, filtered to this run's ticket.
    await sup.goto('/board');
    await waitLive(sup);
    const unreadBefore = Number((await sup.getByTestId('bell-count').textContent().catch(() => '0')) || '0');
    await agent.goto(`/board?q=${token}`);
    await waitLive(agent);

    const t = await api<{ id: number; number: number }>(agentCtx, agent, 'POST', '/tickets', {
      subject: `Pedido sin despachar ${token}`,
      description: 'El pedido lleva tres días sin despacho.',
      category_id: categoryId,
      priority_id: priorityId,
      queue_id: queueId,
      channel_id: channelId,
      requester_id: requesterId,
    });
    const badge = agent.getByTestId(`card-${t.number}`).getByTestId('sla-badge');
    await badge.waitFor();
    expect(await badge.getAttribute('data-state')).toBe('on_track');
    const created = Date.now();
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 20_000, interval: 200 }).toBe('at_risk');
    const atRiskAfter = (Date.now() - created) / 1000;
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 25_000, interval: 200 }).toBe('breached');
    const breachedAfter = (Date.now() - created) / 1000;
    console.log(`sla: at risk after ${atRiskAfter.toFixed(1)} s, breached after ${breachedAfter.toFixed(1)} s (policy 12 s / 24 s)`);
    expect(atRiskAfter).toBeGreaterThan(8);
    expect(breachedAfter).toBeGreaterThan(20);

    // The server agrees, and recorded it once.
    expect(await sql(`SELECT count(*) FROM ticket_history WHERE ticket_id = ${t.id} AND field = 'sla' AND after->>'event' = 'breached'`)).toBe('1');
    // The breach escalated to the queue's supervisor: his bell lights without a reload.
    await expect
      .poll(async () => Number((await sup.getByTestId('bell-count').textContent().catch(() => '0')) || '0'), { timeout: 5000 })
      .toBeGreaterThan(unreadBefore);
    await sup.getByTestId('bell').click();
    await expect.poll(() => sup.getByTestId('bell-panel').innerText()).toContain(String(t.number));
  });
});
