// The live kanban board, as two agents see it in two browsers. The tests run in order on one seeded
// database: each reads the board as it finds it (counts, first cards) rather than assuming the seed.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifact, launchBrowser, login, newPage, sql, users, waitLive } from './harness';

/** How long the other agent may take to see a change without reloading. */
const liveWithinMs = 3000;

let browser: Browser;
let ctx1: BrowserContext;
let ctx2: BrowserContext;
let p1: Page;
let p2: Page;

const column = (page: Page, key: string) => page.getByTestId(`column-${key}`);
const cardsIn = (page: Page, key: string) => column(page, key).locator('[data-testid^="card-"]');
const card = (page: Page, n: number) => page.getByTestId(`card-${n}`);

/** count reads a column's count as shown in its header ("12", or "12 / 12" with a WIP limit). */
async function count(page: Page, key: string): Promise<number> {
  const text = await page.getByTestId(`column-count-${key}`).innerText();
  const n = Number.parseInt(text, 10);
  if (!Number.isFinite(n)) throw new Error(`column-count-${key} shows ${JSON.stringify(text)}`);
  return n;
}

async function numberOf(c: Locator): Promise<number> {
  const id = await c.getAttribute('data-testid');
  const n = Number(id?.replace(/^card-/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`not a card: ${id}`);
  return n;
}

/** statusOf is the column a card shows in now, or null when the page does not show it. */
async function statusOf(page: Page, n: number): Promise<string | null> {
  const c = card(page, n);
  if ((await c.count()) !== 1) return null;
  return c.getAttribute('data-status');
}

/**
 * drag moves a card onto a column with the mouse the way a person does: press on the card, move a
 * few pixels (the sensor starts after 5), glide over the column in steps, wait until the card shows
 * there, release.
 */
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
  // While dragged, the card is shown in the column it is over.
  await column(page, toKey).getByTestId(`card-${n}`).waitFor();
  await page.mouse.up();
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
  if (ctx.task.result?.state !== 'fail') return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await p1?.screenshot({ path: artifact(`fail-${name}-agent1.png`) }).catch(() => undefined);
  await p2?.screenshot({ path: artifact(`fail-${name}-agent2.png`) }).catch(() => undefined);
});

describe('live board', () => {
  it('a card dragged with the mouse by one agent moves on the other agent’s board without reload', async () => {
    await Promise.all([waitLive(p1), waitLive(p2)]);
    const n = await numberOf(cardsIn(p1, 'unattended').first());
    await card(p2, n).waitFor();
    expect(await statusOf(p2, n)).toBe('unattended');
    const before = { unattended: await count(p2, 'unattended'), inProgress: await count(p2, 'in_progress') };

    await drag(p1, n, 'in_progress');

    await expect.poll(() => statusOf(p1, n)).toBe('in_progress');
    await expect(column(p1, 'in_progress').getByTestId(`card-${n}`).count()).resolves.toBe(1);
    // Agent 2 did nothing: the live feed brings the move.
    await expect.poll(() => column(p2, 'in_progress').getByTestId(`card-${n}`).count(), { timeout: liveWithinMs }).toBe(1);
    expect(await column(p2, 'unattended').getByTestId(`card-${n}`).count()).toBe(0);
    await expect.poll(() => count(p2, 'unattended'), { timeout: liveWithinMs }).toBe(before.unattended - 1);
    await expect.poll(() => count(p2, 'in_progress'), { timeout: liveWithinMs }).toBe(before.inProgress + 1);
    // The server kept it: still there after the live echo of agent 1's own move.
    await p1.waitForTimeout(300);
    expect(await statusOf(p1, n)).toBe('in_progress');

    await p1.screenshot({ path: artifact('board-agent1.png') });
  });

  it('a card moved with the keyboard reaches the other agent’s board', async () => {
    const n = await numberOf(cardsIn(p1, 'unattended').first());
    await card(p2, n).waitFor();
    const c = card(p1, n);
    await c.scrollIntoViewIfNeeded();
    await c.focus();
    await p1.keyboard.press('Space');
    await expect.poll(() => c.getAttribute('aria-pressed')).toBe('true');
    await p1.keyboard.press('ArrowRight');
    await column(p1, 'in_progress').getByTestId(`card-${n}`).waitFor();
    await p1.keyboard.press('Space');

    await expect.poll(() => statusOf(p1, n)).toBe('in_progress');
    await expect.poll(() => statusOf(p2, n), { timeout: liveWithinMs }).toBe('in_progress');
    expect(await column(p2, 'in_progress').getByTestId(`card-${n}`).count()).toBe(1);
  });

  it('a move the server refuses (WIP limit) snaps back and shows the server’s message', async () => {
    const full = Number(await sql(`SELECT count(*) FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE s.key = 'waiting'`));
    expect(full).toBeGreaterThan(0);
    await sql(`UPDATE statuses SET wip_limit = ${full} WHERE key = 'waiting'`);
    try {
      await p1.reload();
      await waitLive(p1);
      await expect.poll(() => p1.getByTestId('column-count-waiting').innerText()).toBe(`${full} / ${full}`);
      const n = await numberOf(cardsIn(p1, 'in_progress').first());

      await drag(p1, n, 'waiting');

      const alert = p1.getByRole('alert');
      await alert.first().waitFor();
      const message = await alert.first().innerText();
      console.log(`refused move of #${n} into a full column (${full} / ${full}): ${message}`);
      expect(message).toContain(String(full));
      expect(message).toMatch(/máximo|maximum/);
      expect(message).toMatch(/En espera del cliente|Waiting on customer/);
      await expect.poll(() => statusOf(p1, n)).toBe('in_progress');
      expect(await column(p1, 'waiting').getByTestId(`card-${n}`).count()).toBe(0);
      expect(await p1.getByTestId('column-count-waiting').innerText()).toBe(`${full} / ${full}`);
      // Nobody else saw a move.
      expect(await statusOf(p2, n)).toBe('in_progress');
      expect(await sql(`SELECT s.key FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE t.number = ${n}`)).toBe('in_progress');
    } finally {
      await sql(`UPDATE statuses SET wip_limit = NULL WHERE key = 'waiting'`);
    }
  });

  it('shows the board in Spanish and in English', async () => {
    const name = column(p1, 'unattended').getByRole('heading');
    expect(await p1.locator('html').getAttribute('lang')).toBe('es');
    expect(await name.innerText()).toBe('Sin atender');

    await p1.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => name.innerText()).toBe('Unattended');
    expect(await p1.locator('html').getAttribute('lang')).toBe('en');
    expect(await column(p1, 'in_progress').getByRole('heading').innerText()).toBe('In progress');

    // The choice is remembered across a reload.
    await p1.reload();
    await expect.poll(() => name.innerText()).toBe('Unattended');
    expect(await p1.locator('html').getAttribute('lang')).toBe('en');

    await p1.getByTestId('lang-switch').selectOption('es');
    await expect.poll(() => name.innerText()).toBe('Sin atender');
    expect(await p1.locator('html').getAttribute('lang')).toBe('es');
  });

  it('filters: "Mine" and a ticket number, kept in the URL across a reload', async () => {
    const allCards = p1.locator('[data-testid^="card-"]');
    const mine = Number(
      await sql(`SELECT count(*) FROM tickets t JOIN users u ON u.id = t.assignee_id WHERE u.email = '${users.agent1.email}'`),
    );
    expect(mine).toBeGreaterThan(0);
    const keys = ['unattended', 'in_progress', 'waiting', 'resolved', 'closed'];
    const total = async () => {
      let sum = 0;
      for (const k of keys) sum += await count(p1, k);
      return sum;
    };
    const onlyMine = async () => {
      const texts = await allCards.allInnerTexts();
      return texts.length > 0 && texts.every((t) => t.includes(users.agent1.name));
    };

    await p1.getByTestId('filter-mine').check();
    await expect.poll(() => new URL(p1.url()).searchParams.get('assignee')).toBe('me');
    await expect.poll(onlyMine).toBe(true);
    await expect.poll(total).toBe(mine);

    await p1.reload();
    await p1.getByTestId('column-unattended').waitFor();
    expect(new URL(p1.url()).searchParams.get('assignee')).toBe('me');
    expect(await p1.getByTestId('filter-mine').isChecked()).toBe(true);
    await expect.poll(onlyMine).toBe(true);
    await expect.poll(total).toBe(mine);

    // A ticket number: that card (and any whose subject holds those digits, as the server matches
    // the number or the subject); with "#", only that card.
    await p1.getByTestId('filter-mine').uncheck();
    await expect.poll(() => new URL(p1.url()).searchParams.get('assignee')).toBe(null);
    await expect.poll(total).toBeGreaterThan(mine);
    const n = await numberOf(cardsIn(p1, 'closed').first());
    const q = p1.getByTestId('filter-q');
    await q.fill(String(n));
    await expect.poll(() => new URL(p1.url()).searchParams.get('q')).toBe(String(n));
    await column(p1, 'closed').getByTestId(`card-${n}`).waitFor();
    await expect.poll(async () => (await allCards.allInnerTexts()).every((t) => t.includes(String(n)))).toBe(true);

    await q.fill(`#${n}`);
    await expect.poll(() => new URL(p1.url()).searchParams.get('q')).toBe(`#${n}`);
    await expect.poll(() => allCards.count()).toBe(1);
    await column(p1, 'closed').getByTestId(`card-${n}`).waitFor();
    expect(await total()).toBe(1);

    await p1.reload();
    await card(p1, n).waitFor();
    expect(new URL(p1.url()).searchParams.get('q')).toBe(`#${n}`);
    expect(await q.inputValue()).toBe(`#${n}`);
    expect(await allCards.count()).toBe(1);
    expect(await total()).toBe(1);

    await p1.getByTestId('filter-q').fill('');
    await expect.poll(() => new URL(p1.url()).searchParams.get('q')).toBe(null);
  });

  it('a wrong password shows the server’s message', async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto('/login');
      await page.getByTestId('login-email').fill(users.agent1.email);
      await page.getByTestId('login-password').fill('not-the-password');
      await page.getByTestId('login-submit').click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toBe('Correo o contraseña incorrectos.');
      expect(new URL(page.url()).pathname).toBe('/login');

      // In English the server answers in English.
      await page.getByTestId('lang-switch').selectOption('en');
      await page.getByTestId('login-submit').click();
      await expect.poll(() => alert.innerText()).toBe('Wrong email or password.');
      expect(new URL(page.url()).pathname).toBe('/login');
    } finally {
      await context.close();
    }
  });
});
