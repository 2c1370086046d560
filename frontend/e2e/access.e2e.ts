// Issue 4 end to end: who sees what, and how a change to an account reaches the browser. Each demo login
// sees exactly its part of the desk in the records table and on the board (the expected sets come from
// SQL written independently of the server's rule, as in seed_test.go); a custom role an admin grants
// reaches the agent's open table without a reload, and disabling the account ends the session at once;
// an invitation link sets a password once; an agent walks a person's genealogy. Every test restores what
// it changes (or works on a new user), so the tests do not depend on each other.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifact, baseURL, demoPassword, describePage, launchBrowser, loadAllRows, login, newPage, sql, ticketRows, users, waitLive } from './harness';

/** How long an open page may take to show an admin's change without reloading. */
const liveWithinMs = 5000;

let browser: Browser;
/** The pages of the running test, screenshotted on failure and closed after it. */
let opened: { name: string; page: Page; context: BrowserContext }[] = [];

async function open(name: string): Promise<Page> {
  const { context, page } = await newPage(browser);
  opened.push({ name, page, context });
  return page;
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  // Whatever a failed test left: agent1 enabled and without the escalation role.
  await sql(`UPDATE users SET disabled_at = NULL WHERE email = '${users.agent1.email}'`).catch(() => undefined);
  await sql(
    `DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE email = '${users.agent1.email}') AND role_id = (SELECT id FROM roles WHERE key = 'escalation')`,
  ).catch(() => undefined);
});

afterEach(async (ctx) => {
  const failed = ctx.task.result?.state === 'fail';
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50);
  for (const p of opened) {
    if (failed && !p.page.isClosed()) {
      await p.page.screenshot({ path: artifact(`fail-${name}-${p.name}.png`) }).catch(() => undefined);
      console.error(`${p.name}: ${await describePage(p.page)}`);
    }
    await p.context.close().catch(() => undefined);
  }
  opened = [];
});

// ---------------------------------------------------------------- the expected sets, from SQL

const mine = (email: string) => `(r.email = '${email}' OR f.email = '${email}' OR s.email = '${email}')`;
const carolinaNetwork = ['consultant@atiende.test', 'customer@atiende.test', 'diana.lopez@atiende.test', 'esteban.ruiz@atiende.test', 'fernanda.castro@atiende.test']
  .map((e) => `'${e}'`)
  .join(', ');

/** What each demo login may see, as a condition on tickets t, queues q, requester r, affected f, assignee s. */
const visible: Record<string, string> = {
  'admin@atiende.test': 'true',
  'supervisor@atiende.test': `q.key IN ('level_1', 'level_2') OR ${mine('supervisor@atiende.test')}`,
  'agent1@atiende.test': `q.key IN ('level_1', 'level_2') OR ${mine('agent1@atiende.test')}`,
  'agent2@atiende.test': `q.key IN ('level_1', 'level_2', 'level_3') OR ${mine('agent2@atiende.test')}`,
  'consultant@atiende.test': `r.email IN (${carolinaNetwork}) OR f.email IN (${carolinaNetwork})`,
  'customer@atiende.test': mine('customer@atiende.test'),
};

const from = `FROM tickets t LEFT JOIN queues q ON q.id = t.queue_id
  LEFT JOIN users r ON r.id = t.requester_id LEFT JOIN users f ON f.id = t.affected_id
  LEFT JOIN users s ON s.id = t.assignee_id`;

async function expectedNumbers(where: string): Promise<number[]> {
  const out = await sql(`SELECT t.number ${from} WHERE ${where} ORDER BY 1`);
  return out.split('\n').filter(Boolean).map(Number);
}

/** expectedByStatus is the count of visible tickets per status key (every status, 0 included). */
async function expectedByStatus(where: string): Promise<Record<string, number>> {
  const out = await sql(`SELECT st.key || '|' || count(v.id) FROM statuses st
    LEFT JOIN (SELECT t.id, t.status_id ${from} WHERE ${where}) v ON v.status_id = st.id GROUP BY st.key`);
  const counts: Record<string, number> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [key, n] = line.split('|') as [string, string];
    counts[key] = Number(n);
  }
  return counts;
}

async function userId(email: string): Promise<number> {
  return Number(await sql(`SELECT id FROM users WHERE email = '${email}'`));
}

// ---------------------------------------------------------------- the records table and the board

const rows = ticketRows;

/** rowNumbers are the ticket numbers the records table shows. */
async function rowNumbers(page: Page): Promise<number[]> {
  const ids = await rows(page).evaluateAll((rs) => rs.map((r) => r.getAttribute('data-testid') ?? ''));
  return ids.map((id) => Number(id.replace('ticket-row-', '')));
}


/** totalText is what the table says for n tickets (below both caps, so the exact count). */
const totalText = (n: number) => `${n < 10_000 ? String(n) : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} ${n === 1 ? 'ticket' : 'tickets'}`;

const sorted = (ns: number[]) => [...ns].sort((a, b) => a - b);

/** columnCount reads a board column's count ("12" or "12 / 20" with a WIP limit). */
async function columnCount(page: Page, key: string): Promise<number> {
  return Number((await page.getByTestId(`column-count-${key}`).innerText()).split('/')[0].trim());
}

/** requesterByRow is each row's ticket number and the requester's name it shows. */
function requesterByRow(page: Page): Promise<{ number: number; requester: string }[]> {
  return rows(page).evaluateAll((rs) =>
    rs.map((r) => ({
      number: Number((r.getAttribute('data-testid') ?? '').replace('ticket-row-', '')),
      requester: r.querySelector<HTMLElement>('.tickets-cell--requester')?.innerText.trim() ?? '',
    })),
  );
}

describe('who sees what', () => {
  const logins = ['admin', 'supervisor', 'agent1', 'agent2', 'consultant', 'customer'] as const;

  it.each(logins)('%s sees exactly their tickets in the records table and on the board', async (who) => {
    const email = `${who}@atiende.test`;
    const where = visible[email];
    const want = await expectedNumbers(where);
    expect(want.length).toBeGreaterThan(0);
    const page = await open(who);
    await login(page, email);
    if (new URL(page.url()).pathname !== '/board' && new URL(page.url()).pathname !== '/') {
      // Customers and consultants land on their orders; their board still shows what they may see.
      await page.goto('/board');
      await page.getByTestId('column-unattended').waitFor();
    }

    // The board: each column counts the visible tickets of its status, and the
    // columns together hold all of them.
    const perStatus = await expectedByStatus(where);
    let shown = 0;
    for (const [key, n] of Object.entries(perStatus)) {
      if ((await page.getByTestId(`column-${key}`).count()) === 0) continue;
      await expect.poll(() => columnCount(page, key), { message: `column ${key}` }).toBe(n);
      shown += n;
    }
    expect(shown).toBe(want.length);

    // The records table, every row loaded.
    await page.goto('/tickets');
    await loadAllRows(page);
    expect(sorted(await rowNumbers(page))).toEqual(want);
    expect(await page.getByTestId('tickets-total').innerText()).toBe(totalText(want.length));

    if (who === 'consultant') {
      // By name: not her sponsor Beatriz's tickets, nor Gustavo Herrera's branch's, though the desk has
      // some. One of them shows only as the requester of a ticket whose affected person is of her network
      // (the rule lets everyone see the tickets they or their downline are affected by).
      const hidden = ['Beatriz Gómez', 'Gustavo Herrera', 'Helena Vargas', 'Iván Moreno'];
      const hiddenList = hidden.map((n) => `'${n}'`).join(', ');
      const theirs = await expectedNumbers(`r.name IN (${hiddenList}) AND (f.email IS NULL OR f.email NOT IN (${carolinaNetwork}))`);
      expect(theirs.length).toBeGreaterThan(0);
      const affectsHer = await expectedNumbers(`r.name IN (${hiddenList}) AND f.email IN (${carolinaNetwork})`);
      const shownRows = await requesterByRow(page);
      expect(shownRows.length).toBe(want.length);
      expect(sorted(shownRows.filter((r) => hidden.includes(r.requester)).map((r) => r.number))).toEqual(affectsHer);
      // Her downline's tickets are there.
      expect(shownRows.map((r) => r.requester)).toContain('Esteban Ruiz');
    }
    if (who === 'customer') {
      // Camilo's own tickets; another requester only where Camilo is the affected person.
      const affectsHim = await expectedNumbers(`f.email = 'customer@atiende.test' AND r.email IS DISTINCT FROM 'customer@atiende.test'`);
      const shownRows = await requesterByRow(page);
      expect(shownRows.length).toBe(want.length);
      expect(shownRows.filter((r) => r.requester === 'Camilo Pérez').length).toBeGreaterThan(0);
      expect(sorted(shownRows.filter((r) => r.requester !== 'Camilo Pérez').map((r) => r.number))).toEqual(affectsHim);
    }
  });
});

// ---------------------------------------------------------------- accounts

/** openUser opens an account's edit panel on /admin/users. */
async function openUser(admin: Page, id: number, email: string): Promise<Locator> {
  await admin.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  await admin.getByTestId(`user-open-${id}`).click();
  const dialog = admin.getByTestId('user-dialog');
  await dialog.waitFor();
  return dialog;
}

describe('accounts', () => {
  it('a custom role reaches the agent’s open table without a reload; disabling the account ends the session and refuses the login (Spanish, then English)', async () => {
    const agentId = await userId(users.agent1.email);
    const before = await expectedNumbers(visible['agent1@atiende.test']);
    const after = await expectedNumbers(`q.key IN ('level_1', 'level_2', 'level_3') OR ${mine(users.agent1.email)}`);
    const level3 = after.filter((n) => !before.includes(n));
    expect(level3.length).toBeGreaterThan(0);

    const [agent, admin] = await Promise.all([open('agent1'), open('admin')]);
    await Promise.all([login(agent, users.agent1.email), login(admin, 'admin@atiende.test')]);
    await agent.goto('/tickets');
    await loadAllRows(agent);
    expect(sorted(await rowNumbers(agent))).toEqual(before);
    await waitLive(agent);
    // A mark that a reload of the page would wipe.
    await agent.evaluate(() => {
      (window as unknown as { e2eMark: string }).e2eMark = 'same page';
    });

    // The admin grants the escalation team's role.
    const dialog = await openUser(admin, agentId, users.agent1.email);
    const role = dialog.getByTestId('user-custom-role-escalation');
    expect(await role.isChecked()).toBe(false);
    await role.check();
    await dialog.getByTestId('user-save').click();
    await expect.poll(() => admin.getByTestId(`user-row-${agentId}`).innerText()).toContain('Equipo de escalamiento');

    // The agent's table follows on its own: the new count, then every row of the new set.
    await expect.poll(() => agent.getByTestId('tickets-total').innerText(), { timeout: liveWithinMs }).toBe(totalText(after.length));
    await loadAllRows(agent);
    expect(sorted(await rowNumbers(agent))).toEqual(after);
    expect(await agent.evaluate(() => (window as unknown as { e2eMark?: string }).e2eMark)).toBe('same page');

    // In English now; the admin disables the account.
    await agent.getByTestId('lang-switch').selectOption('en');
    await dialog.getByTestId('user-toggle').click();
    await dialog.getByTestId('user-toggle-confirm').click();
    await expect.poll(() => dialog.getByTestId('user-status').innerText()).toBe('Desactivado');
    await agent.waitForURL((u) => u.pathname === '/login', { timeout: liveWithinMs });
    expect(await agent.getByTestId('login-session-ended').innerText()).toBe(
      'Your session ended: it may have been closed elsewhere or your account was disabled. Sign in again to continue.',
    );
    await agent.getByTestId('login-email').fill(users.agent1.email);
    await agent.getByTestId('login-password').fill(demoPassword);
    await agent.getByTestId('login-submit').click();
    const refused = agent.locator('.login__error');
    await expect.poll(() => refused.innerText()).toBe('This account is disabled.');
    expect(new URL(agent.url()).pathname).toBe('/login');

    // Put it back through the same panel: enabled, without the role.
    await dialog.getByTestId('user-toggle').click();
    await dialog.getByTestId('user-toggle-confirm').click();
    await expect.poll(() => dialog.getByTestId('user-status').innerText()).toBe('Activo');
    await role.uncheck();
    await dialog.getByTestId('user-save').click();
    await expect.poll(() => admin.getByTestId(`user-row-${agentId}`).innerText()).not.toContain('Equipo de escalamiento');
    expect(await sql(`SELECT (disabled_at IS NULL)::text || '|' || (SELECT count(*) FROM user_roles WHERE user_id = ${agentId}) FROM users WHERE id = ${agentId}`)).toBe('true|0');
    // Signing in again on the same page goes back to the table the session ended on.
    await agent.getByTestId('login-submit').click();
    await agent.waitForURL((u) => u.pathname === '/tickets');
    await expect.poll(() => agent.getByTestId('tickets-total').innerText()).toBe(totalText(before.length));
  });

  it('an invitation link sets the new agent’s password once and logs them in to the board; used again, it is no longer valid', async () => {
    const token = Date.now().toString(36);
    const invited = { name: 'Paula Méndez', email: `paula.${token}@atiende.test` };
    const admin = await open('admin');
    await login(admin, 'admin@atiende.test');
    await admin.goto('/admin/users');
    await admin.getByTestId('invite-open').click();
    const dialog = admin.getByTestId('invite-dialog');
    await dialog.getByTestId('invite-name').fill(invited.name);
    await dialog.getByTestId('invite-email').fill(invited.email);
    await dialog.getByTestId('invite-role').selectOption('agent');
    await dialog.getByTestId('invite-locale').selectOption('en');
    await dialog.getByTestId('invite-submit').click();
    const url = await dialog.getByTestId('user-link-url').inputValue();
    expect(url.startsWith(`${baseURL()}/set-password#token=`)).toBe(true);
    await dialog.getByTestId('invite-done').click();
    expect(await sql(`SELECT role || '|' || (password_hash = '')::text FROM users WHERE email = '${invited.email}'`)).toBe('agent|true');

    // The invited person, in English: whose account it is, a password, and the board.
    const newcomer = await open('invited');
    await newcomer.goto(url);
    await newcomer.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => newcomer.getByTestId('set-password-who').innerText()).toContain(invited.email);
    expect(await newcomer.getByTestId('set-password-who').innerText()).toContain(invited.name);
    await newcomer.getByTestId('set-password-password').fill('una-clave-nueva-123');
    await newcomer.getByTestId('set-password-confirm').fill('una-clave-nueva-123');
    await newcomer.getByTestId('set-password-submit').click();
    await newcomer.waitForURL((u) => u.pathname === '/');
    await newcomer.getByTestId('column-unattended').waitFor();
    expect(await newcomer.locator('.header__user').innerText()).toBe(invited.name);
    expect(await sql(`SELECT password_hash <> '' FROM users WHERE email = '${invited.email}'`)).toBe('t');

    // The same link again: no form, the reason, in either language.
    const again = await open('again');
    await again.goto(url);
    await expect.poll(() => again.getByTestId('set-password-gone').innerText()).toBe('Este enlace ya no es válido; pide uno nuevo a tu administrador.');
    expect(await again.getByTestId('set-password-password').count()).toBe(0);
    await newcomer.goto(url);
    await expect.poll(() => newcomer.getByTestId('set-password-gone').innerText()).toBe('This link is no longer valid; ask your administrator for a new one.');
  });
});

// ---------------------------------------------------------------- people

describe('people', () => {
  it('an agent finds Diana López and sees her upline and downline; the customer has no People', async () => {
    const [diana, esteban, fernanda] = await Promise.all(['diana.lopez', 'esteban.ruiz', 'fernanda.castro'].map((p) => userId(`${p}@atiende.test`)));
    const agent = await open('agent2');
    await login(agent, users.agent2.email);
    await agent.getByTestId('people-nav').click();
    await agent.getByTestId('people-search').fill('Diana');
    await expect.poll(() => new URL(agent.url()).searchParams.get('q')).toBe('Diana');
    const row = agent.getByTestId(`person-row-${diana}`);
    await row.waitFor();
    expect(await agent.locator('[data-testid^="person-row-"] .people-cell--name').allInnerTexts()).toEqual(['Diana López']);
    await row.getByRole('link', { name: 'Diana López' }).click();
    await agent.waitForURL((u) => u.pathname === `/people/${diana}`);

    // The upline, from the root to her sponsor, then her.
    const upline = agent.getByTestId('person-upline').locator('li');
    await expect.poll(async () => (await upline.allInnerTexts()).slice(1)).toEqual(['Beatriz Gómez', 'Carolina Rojas', 'Diana López']);
    // The downline: Esteban, and under him his customer Fernanda.
    const tree = agent.getByTestId('downline-tree');
    const node = tree.getByTestId(`downline-node-${esteban}`);
    await node.waitFor();
    expect(await node.getByRole('link', { name: 'Esteban Ruiz' }).count()).toBe(1);
    expect(await tree.locator('[data-testid^="downline-node-"]').count()).toBe(1);
    await tree.getByTestId(`downline-toggle-${esteban}`).click();
    await node.getByTestId(`downline-node-${fernanda}`).waitFor();
    expect(await node.getByTestId(`downline-node-${fernanda}`).getByRole('link').innerText()).toBe('Fernanda Castro');

    // The customer: no People link, and the page says so.
    const customer = await open('customer');
    await login(customer, 'customer@atiende.test');
    await customer.getByTestId('live-status').waitFor();
    expect(await customer.getByTestId('people-nav').count()).toBe(0);
    await customer.goto('/people');
    await customer.getByRole('alert').waitFor();
    expect(await customer.getByTestId('people-table').count()).toBe(0);
  });
});
