// Reports end to end (/reports): the supervisor builds a pivot of status × priority counting tickets,
// whose every number is what SQL counts over the tickets he may see (not all of them: the admin sees
// more); a cell opens the records table with exactly its tickets; a change he makes on a ticket page
// shows in the history view; the pivot's CSV holds the table's numbers; a subject that a spreadsheet
// would read as a formula is neutralised in the exports; an agent, without report permissions, gets
// neither the link nor the page.
import fs from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, artifact, describePage, deskZone, launchBrowser, loadAllRows, newPage, poll, signIn, sql, ticketRows, users } from './harness';

const supervisor = { email: 'supervisor@atiende.test', name: 'Sergio Ramírez' };
const adminEmail = 'admin@atiende.test';
const stamp = Date.now().toString(36);

/** The pivot's period: from 179 days before tomorrow to tomorrow (UTC, so never before the desk's own
 * tomorrow), holding every demo ticket and every ticket the run creates, whatever the time of day. */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const to = dayOf(Date.now() + 86_400_000);
const from = dayOf(Date.now() + 86_400_000 - 179 * 86_400_000);
const pivotPath = `/reports?${new URLSearchParams({ rows: 'status', cols: 'priority', measure: 'count', from, to }).toString()}`;

let browser: Browser;
let supCtx: BrowserContext;
let sup: Page;
let agentCtx: BrowserContext | undefined;
let agent: Page | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  ({ context: supCtx, page: sup } = await newPage(browser));
  // The supervisor's home is the board with every ticket he sees: on a busy machine its first paint can
  // take longer than the harness's 10 s default.
  supCtx.setDefaultTimeout(30_000);
  await signIn(sup, supervisor.email);
});

afterAll(async () => {
  await supCtx?.close().catch(() => undefined);
  await agentCtx?.close().catch(() => undefined);
  await browser?.close();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await sup?.screenshot({ path: artifact(`fail-reports-${name}-supervisor.png`) }).catch(() => undefined);
  if (sup) console.error(`supervisor: ${await describePage(sup)}`);
  if (agent && !agent.isClosed()) await agent.screenshot({ path: artifact(`fail-reports-${name}-agent.png`) }).catch(() => undefined);
});

// ---------------------------------------------------------------- what SQL says

/** The supervisor, with his role ids, as the row u of the queries below. */
const supRow = `(SELECT u.id, ARRAY(SELECT r.id FROM roles r WHERE r.key = u.role
    UNION SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id) AS role_ids
  FROM users u WHERE u.email = '${supervisor.email}') u`;

/** What the supervisor sees, as the README puts it: the tickets he requested, is the affected person of
 * or is assigned; those whose allowed roles include one of his (the agent's rule); every ticket of the
 * queues he supervises. */
const supSees = `(t.requester_id = u.id OR t.affected_id = u.id OR t.assignee_id = u.id
  OR t.allowed_roles && u.role_ids
  OR EXISTS (SELECT 1 FROM queues q WHERE q.id = t.queue_id AND u.id = ANY (q.supervisor_ids)))`;

/** Tickets created within the pivot's period: the desk's days, inclusive, from its zone's midnight. */
const inPeriod = `t.created_at >= ('${from}'::date)::timestamp AT TIME ZONE '${deskZone}'
  AND t.created_at < ('${to}'::date + 1)::timestamp AT TIME ZONE '${deskZone}'`;

const lines = (out: string) => out.split('\n').filter((l) => l.trim() !== '');

/** expectedPivot is the supervisor's count of tickets per status and priority label, from SQL. */
async function expectedPivot(): Promise<Map<string, number>> {
  const out = await sql(`SELECT st.name_es || chr(9) || p.name_es || chr(9) || count(*)
    FROM tickets t JOIN statuses st ON st.id = t.status_id JOIN priorities p ON p.id = t.priority_id, ${supRow}
    WHERE ${inPeriod} AND ${supSees} GROUP BY st.name_es, p.name_es`);
  const m = new Map<string, number>();
  for (const l of lines(out)) {
    const [s, p, n] = l.split('\t') as [string, string, string];
    m.set(`${s}\t${p}`, Number(n));
  }
  return m;
}

// ---------------------------------------------------------------- what the page shows

interface ShownCell {
  text: string;
  href: string | null;
}
interface ShownPivot {
  head: string[];
  rows: { label: string; cells: ShownCell[]; total: ShownCell }[];
  foot: ShownCell[];
}

/** readPivot reads the pivot table as the page shows it: header, each row's label, cells and total, the
 * totals row; each number with the link it has. */
function readPivot(page: Page): Promise<ShownPivot> {
  return page.getByTestId('pivot-table').evaluate((table) => {
    const cell = (el: Element) => ({ text: (el as HTMLElement).innerText.trim(), href: el.querySelector('a')?.getAttribute('href') ?? null });
    const head = [...table.querySelectorAll('thead th')].map((th) => (th as HTMLElement).innerText.trim());
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cs = [...tr.children];
      return { label: (cs[0] as HTMLElement).innerText.trim(), cells: cs.slice(1, -1).map(cell), total: cell(cs[cs.length - 1]) };
    });
    const foot = [...table.querySelectorAll('tfoot tr > *')].slice(1).map(cell);
    return { head, rows, foot };
  });
}

/** num reads a count as shown ("" where the cell holds no ticket). */
const num = (s: string) => (s.trim() === '' ? 0 : Number(s.replace(/\D/g, '')));

/** waitPivot waits for the pivot of the period and returns it. */
async function waitPivot(page: Page): Promise<ShownPivot> {
  try {
    await page.getByText(`Tickets creados del ${from} al ${to} (días de ${deskZone})`).waitFor();
    await page.getByTestId('pivot-table').waitFor();
  } catch (err) {
    throw new Error(`${String(err)}\n${await describePage(page)}`);
  }
  return readPivot(page);
}

const rows = ticketRows;

async function rowNumbers(page: Page): Promise<number[]> {
  const ids = await rows(page).evaluateAll((rs) => rs.map((r) => r.getAttribute('data-testid') ?? ''));
  return ids.map((id) => Number(id.replace('ticket-row-', ''))).sort((a, b) => a - b);
}


/** parseCsv reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of fields. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out;
}

/** download clicks a download link and returns the file's name and its text, which must be CSV in UTF-8
 * with a byte-order mark (so that spreadsheets read accents); the mark is taken off. */
async function download(page: Page, link: Locator): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const failure = await d.failure();
  if (failure !== null) throw new Error(`download of ${d.url()} failed: ${failure}`);
  const path = await d.path();
  const text = fs.readFileSync(path, 'utf8');
  expect(text.startsWith('\ufeff'), `${d.suggestedFilename()} starts with a byte-order mark`).toBe(true);
  return { name: d.suggestedFilename(), text: text.slice(1) };
}

/** settle runs a check until it finds no problem. The demo's SLA clocks keep firing while the tests run
 * (a breach may raise a ticket's priority or move it to the next queue), so a number read on the page and
 * the same number read by SQL a moment later can differ for a moment; a check that keeps failing fails. */
async function settle(what: string, check: (attempt: number) => Promise<string[]>, timeout = 25_000): Promise<void> {
  const end = Date.now() + timeout;
  let problems: string[] = [];
  for (let attempt = 0; ; attempt++) {
    problems = await check(attempt);
    if (problems.length === 0) return;
    if (Date.now() > end) break;
  }
  throw new Error(`${what}:\n  ${problems.join('\n  ')}`);
}

/** comparePivot lists where a pivot shown on the page differs from SQL (empty when it does not). */
async function comparePivot(shown: ShownPivot): Promise<string[]> {
  const problems: string[] = [];
  const expected = await expectedPivot();
  const statuses = [...new Set([...expected.keys()].map((k) => k.split('\t')[0]))].sort();
  const priorities = [...new Set([...expected.keys()].map((k) => k.split('\t')[1]))].sort();
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (shown.head[0] !== 'Estado' || shown.head.at(-1) !== 'Total') problems.push(`header ${JSON.stringify(shown.head)}`);
  const colLabels = shown.head.slice(1, -1);
  if (!same([...colLabels].sort(), priorities)) problems.push(`columns ${JSON.stringify(colLabels)}, SQL ${JSON.stringify(priorities)}`);
  const rowLabels = shown.rows.map((r) => r.label);
  if (!same([...rowLabels].sort(), statuses)) problems.push(`rows ${JSON.stringify(rowLabels)}, SQL ${JSON.stringify(statuses)}`);
  let grand = 0;
  const colSums = colLabels.map(() => 0);
  for (const r of shown.rows) {
    let rowSum = 0;
    r.cells.forEach((c, i) => {
      const want = expected.get(`${r.label}\t${colLabels[i]}`) ?? 0;
      if (num(c.text) !== want) problems.push(`${r.label} × ${colLabels[i]}: ${JSON.stringify(c.text)}, SQL ${want}`);
      // A cell without tickets is empty and leads nowhere; every other number opens its tickets.
      if ((c.href === null) !== (want === 0)) problems.push(`${r.label} × ${colLabels[i]}: link ${c.href}`);
      rowSum += want;
      colSums[i] += want;
    });
    if (num(r.total.text) !== rowSum) problems.push(`total of ${r.label}: ${r.total.text}, SQL ${rowSum}`);
    grand += rowSum;
  }
  const foot = shown.foot.map((c) => num(c.text));
  if (!same(foot, [...colSums, grand])) problems.push(`totals row ${JSON.stringify(foot)}, SQL ${JSON.stringify([...colSums, grand])}`);
  const sqlTotal = Number(await sql(`SELECT count(*) FROM tickets t, ${supRow} WHERE ${inPeriod} AND ${supSees}`));
  if (grand !== sqlTotal) problems.push(`grand total ${grand}, SQL count ${sqlTotal}`);
  return problems;
}

/** The rows of the history view as the page shows them, one array of cell texts per row. */
function historyRows(page: Page): Promise<string[][]> {
  return page
    .getByTestId('history-table')
    .locator('tbody tr')
    .evaluateAll((rs) => rs.map((r) => [...r.children].map((c) => (c as HTMLElement).innerText.trim())));
}

/** newTicket opens a ticket as the supervisor through the API, as the new-ticket dialog does. */
async function newTicket(subject: string): Promise<{ id: number; number: number }> {
  const ids = await sql(`SELECT (SELECT id FROM categories WHERE key = 'operations') || ' ' || (SELECT id FROM channels WHERE key = 'phone')
    || ' ' || (SELECT id FROM users WHERE email = 'customer@atiende.test')`);
  const [category, channel, requester] = ids.split(' ').map(Number) as [number, number, number];
  return apiOf(supCtx, sup)<{ id: number; number: number }>('POST', '/tickets', {
    subject,
    description: 'Abierto por la prueba de informes.',
    category_id: category,
    channel_id: channel,
    requester_id: requester,
  });
}

describe('reports', () => {
  it('the supervisor builds a status × priority pivot; every number is what SQL counts over the tickets he sees', async () => {
    await sup.getByTestId('reports-nav').click();
    await sup.waitForURL((u) => u.pathname === '/reports');
    await sup.getByRole('tab', { name: 'Tabla dinámica' }).waitFor();
    // The builder, as a person uses it: another layout first, then status × priority, counting tickets,
    // over a period of their choosing.
    await sup.getByTestId('pivot-rows').selectOption('queue');
    await expect.poll(() => sup.getByTestId('pivot-table').locator('thead th').first().innerText()).toBe('Cola');
    await sup.getByTestId('pivot-rows').selectOption('status');
    await sup.getByTestId('pivot-cols').selectOption('priority');
    await sup.getByTestId('pivot-measure').selectOption('count');
    await sup.getByLabel('Desde', { exact: true }).fill(from);
    await sup.getByLabel('Hasta', { exact: true }).fill(to);
    await waitPivot(sup);
    // The pivot is in the URL, to reload or share.
    expect(Object.fromEntries(new URL(sup.url()).searchParams)).toEqual(Object.fromEntries(new URL(pivotPath, 'http://x').searchParams));

    await settle('the pivot against SQL', async (attempt) => {
      if (attempt > 0) await sup.reload();
      return comparePivot(await waitPivot(sup));
    });

    // Visibility matters here: the supervisor does not see every ticket of the period, the admin does.
    const mine = Number(await sql(`SELECT count(*) FROM tickets t, ${supRow} WHERE ${inPeriod} AND ${supSees}`));
    const all = Number(await sql(`SELECT count(*) FROM tickets t WHERE ${inPeriod}`));
    expect(mine).toBeGreaterThan(0);
    expect(mine).toBeLessThan(all);
    const { context: adminCtx, page: admin } = await newPage(browser);
    try {
      await signIn(admin, adminEmail);
      const query = new URL(pivotPath, 'http://x').searchParams.toString();
      const adminPivot = await apiOf(adminCtx, admin)<{ total: { count: number } }>('GET', `/reports/pivot?${query}`);
      expect(adminPivot.total.count).toBe(all);
    } finally {
      await adminCtx.close();
    }
  });

  it('a cell opens the records table filtered to exactly its tickets', async () => {
    await settle('the drill-down against the cell and SQL', async () => {
      await sup.goto(pivotPath);
      const shown = await waitPivot(sup);
      // The cell with the fewest tickets but more than one (or any, if none has more than one).
      const cells = shown.rows.flatMap((r) => r.cells.filter((c) => c.href !== null).map((c) => ({ ...c, n: num(c.text) })));
      const cell = cells.filter((c) => c.n > 1).sort((a, b) => a.n - b.n)[0] ?? cells[0];
      if (!cell?.href) return [`no cell with tickets: ${JSON.stringify(shown)}`];
      const drill = new URL(cell.href, 'http://x').searchParams;
      const status = Number(drill.get('status'));
      const priority = Number(drill.get('priority'));

      await sup.getByTestId('pivot-table').locator(`a[href="${cell.href}"]`).click();
      await sup.waitForURL((u) => u.pathname === '/tickets');
      const at = new URL(sup.url()).searchParams;
      expect([at.get('status'), at.get('priority'), at.get('created_from'), at.get('created_to')]).toEqual([String(status), String(priority), from, to]);
      await loadAllRows(sup);
      const total = await sup.getByTestId('tickets-total').innerText();
      const shownRows = await rowNumbers(sup);
      const want = lines(
        await sql(`SELECT t.number FROM tickets t, ${supRow} WHERE ${inPeriod} AND ${supSees}
          AND t.status_id = ${status} AND t.priority_id = ${priority} ORDER BY 1`),
      ).map(Number);
      const problems: string[] = [];
      const words = `${cell.n} ${cell.n === 1 ? 'ticket' : 'tickets'}`;
      if (total !== words) problems.push(`the table says ${JSON.stringify(total)}, the cell ${cell.n}`);
      if (shownRows.length !== cell.n) problems.push(`the table holds ${shownRows.length} rows, the cell says ${cell.n}`);
      if (JSON.stringify(shownRows) !== JSON.stringify(want)) problems.push(`rows ${JSON.stringify(shownRows)}, SQL ${JSON.stringify(want)}`);
      return problems;
    });
  });

  it('a subject the supervisor changes on the ticket page shows in the history view', async () => {
    const before = `Pedido incompleto h${stamp}`;
    const after = `Pedido incompleto, renombrado h${stamp}`;
    const t = await newTicket(before);

    await sup.goto(`/tickets/${t.id}`);
    const field = sup.getByTestId('field-subject');
    await field.getByRole('button').click();
    await field.locator('input').fill(after);
    await sup.getByTestId('field-subject-save').click();
    await expect.poll(() => field.getByRole('button').innerText()).toContain(after);

    await sup.getByTestId('reports-nav').click();
    await sup.getByTestId('reports-tab-history').click();
    // The field is chosen by its label; the URL keeps its key.
    await sup.getByTestId('history-field').selectOption({ label: 'Asunto' });
    await sup.waitForURL((u) => u.searchParams.get('tab') === 'history' && u.searchParams.get('field') === 'subject');
    await sup.getByTestId('history-table').waitFor();
    expect(await sup.getByTestId('history-table').locator('thead th').allInnerTexts()).toEqual(['Fecha', 'Ticket', 'Asunto', 'Campo', 'Antes', 'Después', 'Autor']);
    const row = await poll('the change in the history view', async () => (await historyRows(sup)).find((c) => c[1] === `#${t.number}`) ?? null, (r) => r !== null);
    // The field in words, as on the ticket's own history tab.
    expect(row!.slice(1)).toEqual([`#${t.number}`, after, 'Asunto', before, after, supervisor.name]);
    // When: just now, shown in the browser's zone (the instant itself is on the time element).
    const at = await sup.getByTestId('history-table').locator('tbody tr', { hasText: `#${t.number}` }).first().locator('time').getAttribute('datetime');
    expect(Math.abs(Date.parse(at ?? '') - Date.now())).toBeLessThan(10 * 60_000);
    expect(row![0]).not.toBe(at);
    // Only subject changes are listed under that filter.
    expect((await historyRows(sup)).every((c) => c[3] === 'Asunto')).toBe(true);
  });

  it('the CSV export of the pivot holds the numbers of the table', async () => {
    await settle('the pivot file against the page', async () => {
      await sup.goto(pivotPath);
      const shown = await waitPivot(sup);
      const { name, text } = await download(sup, sup.getByTestId('pivot-export-csv'));
      expect(name).toMatch(/^pivot-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = parseCsv(text);
      const problems: string[] = [];
      const want = [
        // Its days are the desk's, as the page's period and drill-downs count them, and the title says so.
        [`Tickets · ${from} – ${to} (días de ${deskZone})`],
        shown.head,
        // The file has a number in every cell, 0 where the page leaves the cell empty.
        ...shown.rows.map((r) => [r.label, ...[...r.cells, r.total].map((c) => String(num(c.text)))]),
        ['Total', ...shown.foot.map((c) => String(num(c.text)))],
      ];
      if (JSON.stringify(csv) !== JSON.stringify(want)) problems.push(`file ${JSON.stringify(csv)}\n  page ${JSON.stringify(want)}`);
      // And the page is what SQL says.
      problems.push(...(await comparePivot(shown)));
      return problems;
    });
  });

  it('a subject starting with “=” is neutralised in the records-table and history exports', async () => {
    const subject = `=1+1 fórmula f${stamp}`;
    const t = await newTicket(subject);

    await sup.goto(`/tickets?q=f${stamp}`);
    const row = sup.getByTestId(`ticket-row-${t.number}`);
    await row.waitFor();
    expect(await row.innerText()).toContain(subject);
    await expect.poll(() => sup.getByTestId('tickets-total').innerText()).toBe('1 ticket');
    const { name, text } = await download(sup, sup.getByTestId('tickets-export'));
    expect(name).toMatch(/^tickets-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parseCsv(text);
    const head = csv[0];
    const numberCol = head.indexOf('Número');
    const subjectCol = head.indexOf('Asunto');
    expect(numberCol).toBeGreaterThanOrEqual(0);
    expect(subjectCol).toBeGreaterThanOrEqual(0);
    expect(csv.length).toBe(2);
    expect(csv[1][numberCol]).toBe(String(t.number));
    expect(csv[1][subjectCol]).toBe(`'${subject}`);

    // The history report's file of the same ticket (its creation): the subject is neutralised there too.
    const q = new URLSearchParams({ format: 'csv', q: `f${stamp}`, columns: 'number,subject,field' });
    const res = await sup.request.get(`/api/v1/reports/history/export?${q.toString()}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    const hist = parseCsv((await res.text()).replace(/^\ufeff/, ''));
    expect(hist[0]).toEqual(['Número', 'Asunto', 'Campo']);
    expect(hist.length).toBeGreaterThan(1);
    for (const l of hist.slice(1)) expect(l.slice(0, 2)).toEqual([String(t.number), `'${subject}`]);
    // The file says the change in words too: the creation, not its stored key.
    expect(hist.slice(1).map((l) => l[2])).not.toContain('created');
  });

  it('an agent, without report permissions, has no Reports link and a forbidden page at /reports', async () => {
    ({ context: agentCtx, page: agent } = await newPage(browser));
    const a = agent;
    await signIn(a, users.agent1.email);
    // The header is drawn (her other links are there), without Reports.
    await a.getByTestId('tasks-nav').waitFor();
    await a.getByTestId('dashboard-nav').waitFor();
    expect(await a.getByTestId('reports-nav').count()).toBe(0);

    await a.goto(pivotPath);
    const forbidden = a.getByTestId('reports-forbidden');
    await forbidden.waitFor();
    expect(await forbidden.innerText()).toBe('Tu rol no puede ver informes.');
    expect(await forbidden.getAttribute('role')).toBe('alert');
    expect(await a.getByTestId('pivot-table').count()).toBe(0);
    expect(await a.getByTestId('pivot-rows').count()).toBe(0);
    expect(await a.getByTestId('reports-tab-history').count()).toBe(0);
    // The server refuses her too, whatever the page does.
    for (const path of ['/api/v1/reports/pivot', '/api/v1/reports/history', '/api/v1/reports/pivot/export?format=csv']) {
      const res = await a.request.get(path);
      expect(res.status(), path).toBe(403);
    }
  });
});
