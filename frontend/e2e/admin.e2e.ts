// Catalog administration end to end: an admin renames a channel and every agent's open screens follow
// at once (the live `catalog.changed` event), in Spanish and in English; a refused edit says why next to
// the field.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifact, describePage, launchBrowser, login, newPage, sql, users, waitLive } from './harness';

/** How long an agent's screen may take to show an admin's change without reloading. */
const liveWithinMs = 3000;

let browser: Browser;
let adminCtx: BrowserContext;
let agentCtx: BrowserContext;
let admin: Page;
let agent: Page;

function optionTexts(select: Locator): Promise<string[]> {
  return select.evaluate((s) => [...(s as HTMLSelectElement).options].map((o) => o.text));
}

/** fieldError is the error shown for a form control, found through its aria-describedby. */
async function fieldError(page: Page, control: Locator): Promise<string> {
  await expect.poll(() => control.getAttribute('aria-invalid')).toBe('true');
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(' ').filter((x) => x.endsWith('-error'));
  expect(ids.length).toBe(1);
  return page.locator(`[id="${ids[0]}"]`).innerText();
}

beforeAll(async () => {
  browser = await launchBrowser();
  ({ context: adminCtx, page: admin } = await newPage(browser));
  ({ context: agentCtx, page: agent } = await newPage(browser));
  await Promise.all([login(admin, 'admin@atiende.test'), login(agent, users.agent1.email)]);
});

afterAll(async () => {
  await adminCtx?.close().catch(() => undefined);
  await agentCtx?.close().catch(() => undefined);
  await browser?.close();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50);
  for (const [who, page] of [
    ['admin', admin],
    ['agent', agent],
  ] as const) {
    await page.screenshot({ path: artifact(`fail-${name}-${who}.png`) }).catch(() => undefined);
    console.error(`${who}: ${await describePage(page)}`);
  }
});

describe('catalog administration', () => {
  it('a renamed channel shows at once in an agent’s records table and new-ticket dialog; an empty name or a taken key is refused next to the field; both languages', async () => {
    const [phoneId, nameEs, nameEn] = (await sql(`SELECT id || '|' || name_es || '|' || name_en FROM channels WHERE key = 'phone'`)).split('|') as [string, string, string];
    // A ticket that came by phone, to see the channel's name in its row.
    let number = Number(await sql(`SELECT coalesce(max(number), 0) FROM tickets WHERE channel_id = ${phoneId}`));
    if (number === 0) {
      number = Number(await sql(`SELECT max(number) FROM tickets`));
      await sql(`UPDATE tickets SET channel_id = ${phoneId} WHERE number = ${number}`);
    }

    // The agent: the records table showing that ticket, and the new-ticket dialog open over it (the
    // `n` shortcut).
    await agent.goto(`/tickets?q=%23${number}`);
    const row = agent.getByTestId(`ticket-row-${number}`);
    const channelCell = row.locator('.tickets-cell--channel');
    await row.waitFor();
    await waitLive(agent);
    expect(await channelCell.innerText()).toBe(nameEs);
    await agent.locator('body').press('n');
    const dialog = agent.getByTestId('new-ticket-dialog');
    const channelSelect = dialog.getByTestId('nt-channel');
    await channelSelect.waitFor();
    expect(await optionTexts(channelSelect)).toContain(nameEs);

    // The admin: the channels catalog.
    await admin.goto('/admin/catalogs/channels');
    const adminRow = admin.getByTestId('admin-row-phone');
    await adminRow.waitFor();
    expect(await adminRow.locator('.admin-name__main').innerText()).toBe(nameEs);

    // An empty name is refused next to the field, and nothing is sent.
    await admin.getByTestId('admin-edit-phone').click();
    const form = admin.getByTestId('admin-dialog');
    const es = form.getByTestId('admin-f-name_es');
    await es.fill('');
    await form.getByTestId('admin-save').click();
    expect(await fieldError(admin, es)).toBe('Este campo es obligatorio.');
    expect(await sql(`SELECT name_es FROM channels WHERE id = ${phoneId}`)).toBe(nameEs);

    const renamed = 'Teléfono fijo';
    await es.fill(renamed);
    expect(await es.getAttribute('aria-invalid')).toBe('false');
    await form.getByTestId('admin-save').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => adminRow.locator('.admin-name__main').innerText()).toBe(renamed);
    expect(await sql(`SELECT name_es FROM channels WHERE id = ${phoneId}`)).toBe(renamed);

    // The agent did nothing: the open dialog and the table behind it follow.
    await expect.poll(() => optionTexts(channelSelect), { timeout: liveWithinMs }).toContain(renamed);
    expect(await optionTexts(channelSelect)).not.toContain(nameEs);
    await agent.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => channelCell.innerText(), { timeout: liveWithinMs }).toBe(renamed);
    expect(await optionTexts(agent.getByTestId('filter-channel'))).toContain(renamed);

    // A key another channel has: the server's refusal, next to the key.
    await admin.getByTestId('admin-new').click();
    await form.getByTestId('admin-f-name_es').fill('Otro teléfono');
    await form.getByTestId('admin-f-name_en').fill('Another phone');
    const key = form.getByTestId('admin-f-key');
    await key.fill('phone');
    await form.getByTestId('admin-save').click();
    const keyError = await fieldError(admin, key);
    expect(keyError.length).toBeGreaterThan(0);
    console.log(`taken key: ${keyError}`);
    expect(await sql(`SELECT count(*) FROM channels WHERE name_es = 'Otro teléfono'`)).toBe('0');
    await admin.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });

    // In English: both screens switch; the English name changes the same way.
    await admin.getByTestId('lang-switch').selectOption('en');
    await agent.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => adminRow.locator('.admin-name__main').innerText()).toBe(nameEn);
    await expect.poll(() => channelCell.innerText()).toBe(nameEn);
    await admin.getByTestId('admin-edit-phone').click();
    const en = form.getByTestId('admin-f-name_en');
    await en.fill('   ');
    await form.getByTestId('admin-save').click();
    expect(await fieldError(admin, en)).toBe('This field is required.');
    await en.fill('Landline');
    await form.getByTestId('admin-save').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => adminRow.locator('.admin-name__main').innerText()).toBe('Landline');
    await expect.poll(() => channelCell.innerText(), { timeout: liveWithinMs }).toBe('Landline');
    await agent.getByTestId('new-ticket-button').click();
    await expect.poll(() => optionTexts(channelSelect)).toContain('Landline');
    await agent.keyboard.press('Escape');
    expect(await sql(`SELECT name_es || '|' || name_en FROM channels WHERE id = ${phoneId}`)).toBe(`${renamed}|Landline`);
  });

  it('an agent is told they may not administer catalogs', async () => {
    await agent.goto('/admin/catalogs/channels');
    await agent.getByTestId('admin-forbidden').waitFor();
    expect(await agent.getByTestId('admin-nav').count()).toBe(0);
    expect(await agent.getByTestId('admin-table').count()).toBe(0);
  });
});
