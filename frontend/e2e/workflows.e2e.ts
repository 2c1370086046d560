// Issue 5 end to end: the board follows the ticket's workflow. A credit-note ticket (category
// "return not applied", mapped to the built-in workflow `credit_note` by the migration) is dragged:
// a column its workflow does not allow is marked as refused while the card is over it and the card
// stays; a column whose transition needs input opens the transition dialog, and after it is sent the
// other agent's board shows the card in its new column without a reload. Both boards are filtered by
// a word only this run's ticket holds, so the seed's other cards do not matter.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifact, describePage, launchBrowser, login, newPage, sql, users, waitLive } from './harness';

/** How long the other agent may take to see a change without reloading. */
const liveWithinMs = 3000;
const token = `turquesa${Date.now().toString(36)}`;

let browser: Browser;
let ctx1: BrowserContext;
let ctx2: BrowserContext;
let p1: Page;
let p2: Page;
let ticket: { id: number; number: number } | null = null;

const column = (page: Page, key: string) => page.getByTestId(`column-${key}`);
const card = (page: Page, n: number) => page.getByTestId(`card-${n}`);

function created(): { id: number; number: number } {
  if (ticket === null) throw new Error('the first test did not create the ticket');
  return ticket;
}

async function statusOf(page: Page, n: number): Promise<string | null> {
  const c = card(page, n);
  if ((await c.count()) !== 1) return null;
  return c.getAttribute('data-status');
}

/** api calls the API with the page's session (cookies and the CSRF header), as the SPA does. */
async function api<T>(ctx: BrowserContext, page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const csrf = (await ctx.cookies()).find((c) => c.name === 'atiende_csrf')?.value ?? '';
  const res = await page.request.fetch(`/api/v1${path}`, {
    method,
    headers: {
      'X-CSRF-Token': csrf,
      'Accept-Language': 'es',
      Accept: 'application/json',
      ...(method === 'POST' && path === '/tickets' ? { 'Idempotency-Key': `e2e-${token}` } : {}),
    },
    ...(body === undefined ? {} : { data: body }),
  });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

/** pickUp presses on a card and glides over a column the way a person does, without releasing. */
async function pickUp(page: Page, n: number, toKey: string): Promise<void> {
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
}

/** drag drops a card on a column that accepts it (the card shows there before the release). */
async function drag(page: Page, n: number, toKey: string): Promise<void> {
  await pickUp(page, n, toKey);
  await column(page, toKey).getByTestId(`card-${n}`).waitFor();
  await page.mouse.up();
}

beforeAll(async () => {
  browser = await launchBrowser();
  // The built-in workflows bring eleven statuses: a viewport wide enough to show every column.
  const wide = { width: 3600, height: 900 };
  ({ context: ctx1, page: p1 } = await newPage(browser, wide));
  ({ context: ctx2, page: p2 } = await newPage(browser, wide));
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
  await p1?.screenshot({ path: artifact(`fail-workflows-${name}-agent1.png`) }).catch(() => undefined);
  await p2?.screenshot({ path: artifact(`fail-workflows-${name}-agent2.png`) }).catch(() => undefined);
});

describe('workflows on the board', () => {
  it('a credit-note ticket follows the credit_note workflow and is taken with a plain drag', async () => {
    const ids = await sql(
      `SELECT (SELECT parent_id FROM categories WHERE key = 'return_not_applied') || '|' || (SELECT id FROM categories WHERE key = 'return_not_applied') || '|' ||
              (SELECT id FROM channels WHERE active ORDER BY position, id LIMIT 1) || '|' || (SELECT id FROM users WHERE email = 'customer@atiende.test')`,
    );
    const [categoryId, subcategoryId, channelId, requesterId] = ids.split('|').map(Number) as [number, number, number, number];
    const t = await api<{ id: number; number: number; workflow_version_id: number | null }>(ctx1, p1, 'POST', '/tickets', {
      subject: `Devolución sin aplicar ${token}`,
      description: 'El cliente devolvió dos productos y no ve la nota crédito.',
      category_id: categoryId,
      subcategory_id: subcategoryId,
      channel_id: channelId,
      requester_id: requesterId,
    });
    ticket = { id: t.id, number: t.number };
    expect(t.workflow_version_id).not.toBeNull();
    expect(
      await sql(`SELECT w.key FROM tickets t JOIN workflow_versions v ON v.id = t.workflow_version_id JOIN workflows w ON w.id = v.workflow_id WHERE t.id = ${t.id}`),
    ).toBe('credit_note');

    for (const page of [p1, p2]) {
      await page.goto(`/board?q=${token}`);
      await column(page, 'unattended').getByTestId(`card-${t.number}`).waitFor();
    }
    await Promise.all([waitLive(p1), waitLive(p2)]);

    await drag(p1, t.number, 'in_progress');
    // While the drop's overlay glides onto the card, the pointer goes through it: a second grab at once
    // reaches the card (before, it caught the overlay and the drag never started).
    const box = await card(p1, t.number).boundingBox();
    if (!box) throw new Error('the dropped card has no box');
    // Every frame until the overlay is gone, what a press at the card's centre would reach.
    const hits = await p1.evaluate(
      ([x, y]) =>
        new Promise<string[]>((resolve) => {
          const seen = new Set<string>();
          const started = performance.now();
          const frame = () => {
            const el = document.elementFromPoint(x, y);
            seen.add(el?.closest('[data-testid]')?.getAttribute('data-testid') ?? el?.className?.toString() ?? 'nothing');
            if (document.querySelector('.card--overlay') === null || performance.now() - started > 2000) resolve([...seen]);
            else requestAnimationFrame(frame);
          };
          frame();
        }),
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    console.log(`while the drop settles, a press at the card reaches: ${hits.join(', ')}`);
    expect(hits).toEqual([`card-${t.number}`]);
    await expect.poll(() => statusOf(p1, t.number)).toBe('in_progress');
    await expect.poll(() => statusOf(p2, t.number), { timeout: liveWithinMs }).toBe('in_progress');
    expect(await sql(`SELECT transition_key FROM ticket_transitions WHERE ticket_id = ${t.id} ORDER BY id`)).toBe('take');
  });

  it('a column the workflow does not allow is refused before the drop, and the card stays', async () => {
    const { id, number } = created();
    // The move of the test before re-times the ticket's SLA clock; its live update may land mid-drag,
    // and the board holds it until the drop, so the drag starts at once.
    await pickUp(p1, number, 'waiting');
    try {
      // While the card is over it, the column says it refuses it, and why, to the eye and to screen readers.
      const waiting = column(p1, 'waiting');
      await expect.poll(() => waiting.getAttribute('data-accept'), { timeout: 5000 }).toBe('refused');
      const reasonId = await waiting.getAttribute('aria-describedby');
      expect(reasonId).not.toBeNull();
      const reason = await p1.locator(`[id="${reasonId}"]`).textContent();
      console.log(`refused column "waiting" says: ${reason}`);
      expect(reason).toMatch(/En espera del cliente/);
      expect(await waiting.getAttribute('title')).toBe(reason);
      // The others: its own column, the two transitions needing input, one with no transition from here.
      expect(await column(p1, 'in_progress').getAttribute('data-accept')).toBe('same');
      expect(await column(p1, 'resolved').getAttribute('data-accept')).toBe('input');
      expect(await column(p1, 'rejected').getAttribute('data-accept')).toBe('input');
      expect(await column(p1, 'unattended').getAttribute('data-accept')).toBe('refused');
      expect(await column(p1, 'closed').getAttribute('data-accept')).toBe('refused');
      // The card is not shown in the refused column.
      expect(await waiting.getByTestId(`card-${number}`).count()).toBe(0);
    } finally {
      await p1.mouse.up();
    }
    await p1.waitForTimeout(500);
    expect(await statusOf(p1, number)).toBe('in_progress');
    expect(await column(p1, 'waiting').getAttribute('data-accept')).toBeNull();
    expect(await p1.getByTestId('transition-dialog').count()).toBe(0);
    expect(await statusOf(p2, number)).toBe('in_progress');
    expect(await sql(`SELECT s.key FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE t.id = ${id}`)).toBe('in_progress');
  });

  it('a drop on a transition needing input opens its dialog; once sent, the other agent sees the card moved', async () => {
    const { id, number } = created();
    const reasonName = await sql(`SELECT name_es FROM note_reasons WHERE active AND kind = 'credit' ORDER BY position, id LIMIT 1`);
    expect(reasonName).not.toBe('');

    // A column whose transition needs input is marked as such while the card hovers it; the drop opens
    // the dialog instead of moving the card.
    await pickUp(p1, number, 'resolved');
    await expect.poll(() => column(p1, 'resolved').getAttribute('data-accept')).toBe('input');
    await p1.mouse.up();
    const dialog = p1.getByTestId('transition-dialog');
    try {
      await dialog.waitFor();
    } catch (err) {
      throw new Error(`no transition dialog after the drop: ${String(err)}\n${await describePage(p1)}`);
    }
    expect(await dialog.getByRole('heading').innerText()).toContain('Aceptar nota');
    // Nothing moved yet: the card waits in its column until the dialog is sent.
    expect(await sql(`SELECT s.key FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE t.id = ${id}`)).toBe('in_progress');

    // Sent empty, the dialog says what is missing next to each field.
    await p1.getByTestId('transition-submit').click();
    await expect.poll(() => p1.getByTestId('transition-field-amount').getAttribute('aria-invalid')).toBe('true');
    expect(await p1.getByTestId('transition-confirm').getAttribute('aria-invalid')).toBe('true');

    await p1.getByTestId('transition-field-amount').fill('125000.50');
    await p1.getByTestId('transition-field-amount-currency').selectOption('COP');
    await p1.getByTestId('transition-field-note_reason_id').selectOption({ label: reasonName });
    await p1.getByTestId('transition-field-reason').fill(`Devolución recibida en bodega ${token}`);
    await p1.getByTestId('transition-comment').fill(`Nota aprobada ${token}`);
    await p1.getByTestId('transition-confirm').check();
    await p1.getByTestId('transition-submit').click();

    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => statusOf(p1, number)).toBe('resolved');
    // Agent 2 did nothing: the live feed brings the move.
    await expect.poll(() => column(p2, 'resolved').getByTestId(`card-${number}`).count(), { timeout: liveWithinMs }).toBe(1);
    expect(await column(p2, 'in_progress').getByTestId(`card-${number}`).count()).toBe(0);

    expect(await sql(`SELECT string_agg(transition_key, ',' ORDER BY id) FROM ticket_transitions WHERE ticket_id = ${id}`)).toBe('take,accept_note');
    expect(Number(await sql(`SELECT count(*) FROM ticket_history WHERE ticket_id = ${id} AND field = 'action'`))).toBe(1);
    await p2.screenshot({ path: artifact('workflows-agent2.png') });
  });
});
