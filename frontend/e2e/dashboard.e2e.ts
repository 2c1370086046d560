// The supervisor dashboard, live: an agent drags a card on the board in one browser, and the
// supervisor's status widget in another browser moves both numbers without a reload; a slice opens
// the records table with exactly that many tickets. The test reads the numbers as it finds them.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifact, demoPassword, describePage, launchBrowser, login, newPage, sql, users, waitLive } from './harness';

/** How long the supervisor may take to see a change without reloading (coalescing waits 500 ms). */
const liveWithinMs = 5000;
const supervisorEmail = 'supervisor@atiende.test';

let browser: Browser;
let supCtx: BrowserContext;
let agentCtx: BrowserContext;
let sup: Page;
let agent: Page;

const column = (page: Page, key: string) => page.getByTestId(`column-${key}`);
const card = (page: Page, n: number) => page.getByTestId(`card-${n}`);
const slice = (id: number) => sup.getByTestId(`widget-status-slice-${id}`);

/** sliceValue reads a status slice's number as the page shows it (a status without tickets may be absent: 0). */
async function sliceValue(id: number): Promise<number> {
  const s = slice(id);
  if ((await s.count()) === 0) return 0;
  const v = Number(await s.getAttribute('data-value'));
  const text = await s.locator('.dash-list__value').innerText();
  // The value is on screen as text too, not only in an attribute.
  expect(Number(text.replace(/\D/g, ''))).toBe(v);
  return v;
}

/** drag moves a card onto a column with the mouse the way a person does (as in board.e2e.ts). */
async function drag(page: Page, n: number, toKey: string): Promise<void> {
  const src = card(page, n);
  await src.scrollIntoViewIfNeeded();
  const s = await src.boundingBox();
  const t = await column(page, toKey).boundingBox();
  if (!s || !t) throw new Error(`no box for card ${n} or column ${toKey}`);
  const sx = s.x + s.width / 2;
  const sy = s.y + s.height / 2;
  await page.mouse.move(sx, sy);
  await page.mouse.down();
  await page.mouse.move(sx + 4, sy + 4, { steps: 4 });
  await page.mouse.move(sx + 12, sy + 12, { steps: 4 });
  const tx = t.x + t.width / 2;
  const ty = t.y + Math.min(t.height / 2, 160);
  await page.mouse.move(tx, ty, { steps: 25 });
  await page.mouse.move(tx, ty + 6, { steps: 3 });
  await column(page, toKey).getByTestId(`card-${n}`).waitFor();
  await page.mouse.up();
}

beforeAll(async () => {
  browser = await launchBrowser();
  ({ context: supCtx, page: sup } = await newPage(browser));
  ({ context: agentCtx, page: agent } = await newPage(browser));
  // The supervisor's and the agent's boards are large (every ticket): on a busy machine the first
  // paint can take longer than the harness's 10 s default.
  supCtx.setDefaultTimeout(30_000);
  agentCtx.setDefaultTimeout(30_000);
  await login(agent, users.agent1.email);
  // The supervisor's board holds every ticket: the dashboard is what this test waits for, not the board.
  await sup.goto('/login');
  await sup.getByTestId('login-email').fill(supervisorEmail);
  await sup.getByTestId('login-password').fill(demoPassword);
  await sup.getByTestId('login-submit').click();
  await sup.waitForURL((u) => !u.pathname.startsWith('/login'));
});

afterAll(async () => {
  await supCtx?.close().catch(() => undefined);
  await agentCtx?.close().catch(() => undefined);
  await browser?.close();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await sup?.screenshot({ path: artifact(`fail-dashboard-${name}-supervisor.png`) }).catch(() => undefined);
  await agent?.screenshot({ path: artifact(`fail-dashboard-${name}-agent1.png`) }).catch(() => undefined);
});

describe('supervisor dashboard', () => {
  it('the board loads no chart code; the dashboard draws the status widget as a chart and as numbers', async () => {
    const chunks = await agent.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(chunks.filter((u) => /echarts|EChart/i.test(u))).toEqual([]);

    await sup.getByTestId('dashboard-nav').click();
    await sup.waitForURL((u) => u.pathname === '/dashboard');
    const widget = sup.getByTestId('widget-status');
    try {
      await widget.locator('[data-testid^="widget-status-slice-"]').first().waitFor();
      await widget.locator('canvas').first().waitFor();
    } catch (err) {
      throw new Error(`${String(err)}\n${await describePage(sup)}`);
    }
    await waitLive(sup);
  });

  it('an agent’s drag on the board moves both numbers of the supervisor’s status widget, without reload', async () => {
    const ids = await sql(`SELECT (SELECT id FROM statuses WHERE key = 'unattended') || '|' || (SELECT id FROM statuses WHERE key = 'in_progress')`);
    const [unattended, inProgress] = ids.split('|').map(Number) as [number, number];
    await waitLive(agent);
    const first = column(agent, 'unattended').locator('[data-testid^="card-"]').first();
    const n = Number((await first.getAttribute('data-testid'))?.replace(/^card-/, ''));
    expect(Number.isInteger(n) && n > 0).toBe(true);

    await expect.poll(() => sliceValue(unattended)).toBeGreaterThan(0);
    const before = { unattended: await sliceValue(unattended), inProgress: await sliceValue(inProgress) };
    // A marker on the window: gone if the page reloaded.
    await sup.evaluate(() => {
      (window as unknown as { dashMarker: number }).dashMarker = 7;
    });

    await drag(agent, n, 'in_progress');
    await expect.poll(() => card(agent, n).getAttribute('data-status')).toBe('in_progress');

    await expect.poll(() => sliceValue(unattended), { timeout: liveWithinMs }).toBe(before.unattended - 1);
    await expect.poll(() => sliceValue(inProgress), { timeout: liveWithinMs }).toBe(before.inProgress + 1);
    expect(await sup.evaluate(() => (window as unknown as { dashMarker?: number }).dashMarker)).toBe(7);
    await sup.screenshot({ path: artifact('dashboard-supervisor.png') });

    // The slice opens the records table filtered to exactly its tickets, the moved one among them.
    const count = await sliceValue(inProgress);
    await slice(inProgress).locator('a').click();
    await sup.waitForURL((u) => u.pathname === '/tickets' && u.searchParams.get('status') === String(inProgress));
    await sup.getByTestId('tickets-total').waitFor();
    await expect.poll(() => sup.getByTestId('tickets-total').innerText()).toMatch(new RegExp(`^${count} tickets?$`));
    await sup.getByTestId(`ticket-row-${n}`).waitFor();
    // Every row loaded: load further pages until there are none.
    for (;;) {
      const more = sup.getByTestId('load-more');
      if ((await more.count()) === 0) break;
      const had = await sup.locator('[data-testid^="ticket-row-"]').count();
      await more.click();
      await expect.poll(() => sup.locator('[data-testid^="ticket-row-"]').count()).toBeGreaterThan(had);
    }
    expect(await sup.locator('[data-testid^="ticket-row-"]').count()).toBe(count);
    // The drill-down's "open" filter shows as a removable chip.
    await sup.getByTestId('filter-chip-open').waitFor();
  });

  it('the supervisor hides a widget and resizes another; the layout is kept after a reload', async () => {
    await sup.goto('/dashboard');
    await sup.getByTestId('widget-status').waitFor();
    await sup.getByTestId('layout-edit').click();
    await sup.getByTestId('layout-show-queue').uncheck();
    await sup.getByTestId('layout-size-status').selectOption('l');
    await sup.getByTestId('layout-save').click();
    await sup.getByTestId('dashboard-notice').waitFor();
    expect(await sup.getByTestId('widget-queue').count()).toBe(0);
    await sup.reload();
    await sup.getByTestId('widget-status').waitFor();
    expect(await sup.getByTestId('widget-status').getAttribute('class')).toContain('dash-card--l');
    expect(await sup.getByTestId('widget-queue').count()).toBe(0);
  });
});
