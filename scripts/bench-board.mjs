#!/usr/bin/env node
// bench-board: how soon a board of 2,000 open tickets is usable in headless Chromium, and how much
// JavaScript the single-page app downloads before its first render.
//
//   ATIENDE_BIN=bin/atiende ATIENDE_TEST_DATABASE_URL=postgres://…/postgres ATIENDE_TEST_REDIS_URL=redis://… \
//     node scripts/bench-board.mjs [--tickets 2000] [--runs 5]
//
// Like the end-to-end harness (frontend/e2e/harness.ts): a fresh database (ATIENDE_BENCH_DB, default
// atiende_bench_board2000) on the test server, `atiende migrate` and `atiende seed`, then 2,000 open tickets
// inserted with SQL over the open columns of the generic workflow (most in "unattended", so that one column
// is long), then `atiende serve` on a free port under its own Redis prefix, driven by the Chromium of
// ATIENDE_CHROMIUM (default /usr/bin/chromium). The database is dropped at the end unless
// ATIENDE_BENCH_KEEP_DB=1. The binary must be built with -tags embed (it serves the SPA).
//
// Output: one line per load, then `board2000_ms=<median>` and `initial_js_kb_gz=<kb>` (the last two lines).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

// ---------------------------------------------------------------- options

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) fail(`--${name} needs a positive whole number`);
  return v;
}

function fail(message) {
  console.error(`bench-board: ${message}`);
  process.exit(1);
}

function required(name, hint) {
  const v = process.env[name]?.trim();
  if (!v) fail(`${name} is not set: ${hint}`);
  return v;
}

const ticketCount = option('tickets', 2000);
const runs = option('runs', 5);
const bin = required('ATIENDE_BIN', 'the path of bin/atiende built with `go build -tags embed`');
const adminURL = required('ATIENDE_TEST_DATABASE_URL', 'a postgres:// URL of the test server (database postgres)');
const redisURL = process.env.ATIENDE_TEST_REDIS_URL?.trim() || required('REDIS_URL', 'ATIENDE_TEST_REDIS_URL or REDIS_URL, a redis:// URL');
const chromiumPath = process.env.ATIENDE_CHROMIUM?.trim() || '/usr/bin/chromium';
const dbName = /^[a-z_][a-z0-9_]{0,62}$/.test(process.env.ATIENDE_BENCH_DB ?? '') ? process.env.ATIENDE_BENCH_DB : 'atiende_bench_board2000';
const admin = { email: 'admin@atiende.test', password: 'atiende-demo' };

/** The flags of frontend/e2e/harness.ts (chromiumArgs): keep the two lists the same. */
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

for (const [p, what] of [
  [bin, 'ATIENDE_BIN'],
  [chromiumPath, 'ATIENDE_CHROMIUM'],
]) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    fail(`${what}=${p} is not an executable file`);
  }
}

// ---------------------------------------------------------------- database and server

function findPsql() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'psql'))) return path.join(dir, 'psql');
  }
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const p = path.join(base, v, 'bin', 'psql');
    if (fs.existsSync(p)) return p;
  }
  return fail('psql not found on PATH nor in /usr/lib/postgresql/*/bin (package postgresql-client)');
}

const psql = findPsql();

async function sql(url, statement) {
  try {
    const { stdout } = await run(psql, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', statement], { timeout: 120_000 });
    return stdout.trim();
  } catch (err) {
    throw new Error(`psql failed: ${(err.stderr ?? '').trim() || err.message}\n${statement.slice(0, 300)}`);
  }
}

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(base, proc, log) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`atiende serve exited (${proc.exitCode}); log ${log}`);
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`atiende serve not ready at ${base}/readyz after 60 s; log ${log}`);
}

/**
 * loadTickets inserts n open tickets set-wise: 55% in "unattended" (the long column), 30% "in progress",
 * 15% "waiting on customer", every priority, a third unassigned and the rest spread over the demo agents,
 * each requested by the demo customer. Ranks are valid fractional keys (integer part "c" plus three base-62
 * digits, after every rank the demo seed uses), so cards can be moved on this data as on real data. The
 * ticket_counts trigger runs per row, so the column counts are right.
 */
async function loadTickets(dbURL, n) {
  const unattended = Math.round(n * 0.55);
  const inProgress = Math.round(n * 0.3);
  const waiting = n - unattended - inProgress;
  await sql(
    dbURL,
    `WITH cols AS (
       SELECT s.id AS status_id, c.n, c.ord FROM (VALUES ('unattended', ${unattended}, 1), ('in_progress', ${inProgress}, 2), ('waiting', ${waiting}, 3)) AS c (key, n, ord)
       JOIN statuses s ON s.key = c.key),
     agents AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE email IN ('agent1@atiende.test', 'agent2@atiende.test', 'supervisor@atiende.test')),
     prios AS (SELECT array_agg(id ORDER BY id) AS ids FROM priorities),
     digits AS (SELECT '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'::text AS d)
     INSERT INTO tickets (subject, description, status_id, priority_id, assignee_id, requester_id, rank, created_at, updated_at)
     SELECT format('Pedido %s: %s', 48000 + cols.ord * 10000 + i,
                   (ARRAY['no llegó', 'llegó incompleto', 'cobro duplicado', 'cambio de talla', 'factura sin NIT', 'devolución pendiente'])[1 + i % 6]),
            'Ticket generado para medir el tablero.',
            cols.status_id,
            prios.ids[1 + i % cardinality(prios.ids)],
            CASE WHEN i % 3 = 0 THEN NULL ELSE agents.ids[1 + i % cardinality(agents.ids)] END,
            (SELECT id FROM users WHERE email = 'customer@atiende.test'),
            'c' || substr(digits.d, 1 + i / 3844, 1) || substr(digits.d, 1 + (i / 62) % 62, 1) || substr(digits.d, 1 + i % 62, 1),
            now() - make_interval(mins => i * 7),
            now() - make_interval(mins => i * 7)
       FROM cols CROSS JOIN agents CROSS JOIN prios CROSS JOIN digits CROSS JOIN LATERAL generate_series(0, cols.n - 1) AS i`,
  );
  await sql(dbURL, 'VACUUM (ANALYZE) tickets');
}

// ---------------------------------------------------------------- the browser side

/**
 * "Usable" is measured in the page by this init script, as milliseconds since navigation start
 * (performance.now(), whose origin is the navigation's start). The board is usable at the first animation
 * frame in which
 *   1. every column the server reports with tickets (window.__benchColumns, its status keys) is on screen
 *      with at least its first card rendered, and
 *   2. the first card of the longest column can be picked up: it lies inside the viewport with a non-zero
 *      box, and dnd-kit's sortable props are on it (tabIndex 0 and aria-roledescription, set together with
 *      the pointer and keyboard listeners), so a press or Space starts a drag.
 * The first load also checks 2. for real: Space on that card must show the drag overlay.
 */
const usableProbe = `(() => {
  const cols = window.__benchColumns || [];
  const longest = window.__benchLongest || '';
  const usable = () => {
    if (cols.length === 0) return false;
    for (const key of cols) {
      const sec = document.querySelector('[data-testid="column-' + key + '"]');
      if (!sec || !sec.querySelector('[data-testid^="card-"]')) return false;
    }
    const card = document.querySelector('[data-testid="column-' + longest + '"] [data-testid^="card-"]');
    if (!card || card.tabIndex !== 0 || !card.getAttribute('aria-roledescription')) return false;
    const r = card.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0 && r.left < innerWidth && r.right > 0;
  };
  // Checked on the first frame after each change to the page (and every 10th frame, for layout alone),
  // not on every frame: the probe must not take the CPU the page needs.
  let dirty = true;
  let frames = 0;
  new MutationObserver(() => {
    dirty = true;
  }).observe(document, { subtree: true, childList: true, attributes: true });
  const tick = () => {
    if ((dirty || ++frames % 10 === 0) && ((dirty = false), usable())) {
      window.__benchUsableAt = performance.now();
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

function gz9(buf) {
  return zlib.gzipSync(buf, { level: 9 }).length;
}

/** collectScripts records the JavaScript a page downloads (URL → body) until stop() is called. */
function collectScripts(page) {
  const seen = new Map();
  const pending = [];
  let encoding = null;
  const onResponse = (res) => {
    if (res.request().resourceType() !== 'script' || seen.has(res.url())) return;
    seen.set(res.url(), null);
    encoding ??= res.headers()['content-encoding'] ?? 'none';
    pending.push(
      res
        .body()
        .then((b) => seen.set(res.url(), b))
        .catch(() => seen.delete(res.url())),
    );
  };
  page.on('response', onResponse);
  return async () => {
    page.off('response', onResponse);
    await Promise.all(pending);
    const files = [...seen].filter(([, b]) => b !== null).map(([url, b]) => ({ file: new URL(url).pathname, raw: b.length, gz: gz9(b) }));
    return { files, gz: files.reduce((s, f) => s + f.gz, 0), raw: files.reduce((s, f) => s + f.raw, 0), encoding: encoding ?? 'none' };
  };
}

async function signIn(context) {
  // A GET sets the CSRF cookie; the login then sets the session cookie in this context's jar. Through
  // the API, not the login page, so that the page's scripts are not cached before /board is loaded.
  await context.request.get('/api/v1/auth/me').catch(() => undefined);
  const csrf = (await context.cookies()).find((c) => c.name === 'atiende_csrf')?.value ?? '';
  const res = await context.request.post('/api/v1/auth/login', { headers: { 'X-CSRF-Token': csrf }, data: admin });
  if (!res.ok()) throw new Error(`login as ${admin.email}: ${res.status()} ${await res.text()}`);
}

async function loadBoard(browser, base, columns, longest, checkPickUp) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1600, height: 900 }, locale: 'es-ES', timezoneId: 'America/Bogota' });
  try {
    await signIn(context);
    await context.addInitScript(`window.__benchColumns = ${JSON.stringify(columns)}; window.__benchLongest = ${JSON.stringify(longest)};\n${usableProbe}`);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const scripts = collectScripts(page);
    await page.goto('/board', { waitUntil: 'commit' });
    try {
      await page.waitForFunction(() => typeof window.__benchUsableAt === 'number', null, { timeout: 60_000, polling: 50 });
    } catch (err) {
      const text = await page.locator('body').innerText().catch(() => '');
      throw new Error(`the board never became usable: ${err.message}\npage ${page.url()}: ${text.slice(0, 300)}\n${errors.join('\n')}`);
    }
    const js = await scripts();
    const m = await page.evaluate((longestKey) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const col = document.querySelector(`[data-testid="column-${longestKey}"]`);
      return {
        usable: window.__benchUsableAt,
        dcl: nav ? nav.domContentLoadedEventEnd : null,
        cards: document.querySelectorAll('[data-testid^="card-"]').length,
        longCount: col?.querySelector('[data-testid^="column-count-"]')?.textContent ?? '',
        longCards: col ? col.querySelectorAll('[data-testid^="card-"]').length : 0,
      };
    }, longest);
    if (checkPickUp) {
      // The definition's second point, for real: the keyboard picks the card up, the overlay follows.
      const card = page.locator(`[data-testid="column-${longest}"] [data-testid^="card-"]`).first();
      await card.focus();
      await page.keyboard.press('Space');
      await page.locator('.card--overlay').waitFor({ timeout: 10_000 });
      await page.keyboard.press('Escape');
      await page.locator('.card--overlay').waitFor({ state: 'detached', timeout: 10_000 });
    }
    return { ...m, js };
  } finally {
    await context.close();
  }
}

async function loadLogin(browser, base) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1600, height: 900 }, locale: 'es-ES' });
  try {
    const page = await context.newPage();
    const scripts = collectScripts(page);
    await page.goto('/login', { waitUntil: 'load' });
    await page.getByTestId('login-email').waitFor({ timeout: 30_000 });
    return await scripts();
  } finally {
    await context.close();
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * settle lets the machine quieten before the timed loads: run after another benchmark (make bench-dashboard
 * runs this one right after timing a million tickets, then dropping them), PostgreSQL is still writing out
 * and the load average is high. A checkpoint, then up to 90 s for the one-minute load average to fall to 1.
 */
async function settle() {
  const t0 = Date.now();
  await sql(adminURL, 'CHECKPOINT');
  while (os.loadavg()[0] > 1 && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 2_000));
  console.log(`bench-board: settled in ${((Date.now() - t0) / 1000).toFixed(0)} s; load average before the loads: ${loadavg()}`);
}

// ---------------------------------------------------------------- main

async function main() {
  console.log(`bench-board: ${os.cpus().length} CPUs, load average before: ${loadavg()}`);
  const dbURL = withDatabase(adminURL, dbName);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const prefix = `bench-board2000-${process.pid}`;
  const log = path.join(os.tmpdir(), `atiende-bench-board-${process.pid}.log`);
  let proc = null;
  let browser = null;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    if (proc !== null && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    try {
      const { stdout } = await run('redis-cli', ['-u', redisURL, '--scan', '--pattern', `${prefix}*`], { timeout: 10_000 });
      const keys = stdout.split('\n').filter(Boolean);
      for (let i = 0; i < keys.length; i += 200) await run('redis-cli', ['-u', redisURL, 'DEL', ...keys.slice(i, i + 200)], { timeout: 10_000 });
    } catch {
      // redis-cli missing: the keys of this prefix stay.
    }
    if (process.env.ATIENDE_BENCH_KEEP_DB !== '1') await sql(adminURL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => console.error(e.message));
  };

  try {
    const t0 = Date.now();
    await sql(adminURL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await sql(adminURL, `CREATE DATABASE ${dbName}`);
    const env = {
      ...process.env,
      DATABASE_URL: dbURL,
      REDIS_URL: redisURL,
      ATIENDE_ADDR: `127.0.0.1:${port}`,
      ATIENDE_REDIS_PREFIX: prefix,
      ATIENDE_LOGIN_MAX_PER_EMAIL: '1000',
      ATIENDE_LOGIN_MAX_PER_IP: '1000',
      ATIENDE_LOG_LEVEL: 'warn',
      ATIENDE_SHUTDOWN_TIMEOUT: '5s',
    };
    await run(bin, ['migrate'], { env, timeout: 300_000 });
    await run(bin, ['seed'], { env, timeout: 300_000 });
    await loadTickets(dbURL, ticketCount);

    const out = fs.openSync(log, 'w');
    proc = spawn(bin, ['serve'], { env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    await waitReady(base, proc, log);
    const index = await fetch(`${base}/`).then((r) => r.text());
    if (!index.includes('id="root"')) throw new Error(`ATIENDE_BIN=${bin} does not serve the web app: build the SPA, then \`go build -tags embed\``);

    // The columns the admin's board shows with tickets, as the server counts them.
    const rows = await sql(
      dbURL,
      `SELECT s.key || '|' || count(t.id) FROM statuses s JOIN tickets t ON t.status_id = s.id GROUP BY s.id, s.key ORDER BY count(t.id) DESC, s.key`,
    );
    const counts = rows.split('\n').map((l) => {
      const [key, n] = l.split('|');
      return { key, n: Number(n) };
    });
    const open = Number(await sql(dbURL, `SELECT count(*) FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE s.grp <> 'done'`));
    const longest = counts[0].key;
    const columns = counts.map((c) => c.key);
    console.log(
      `bench-board: database ${dbName} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${open} open tickets (${ticketCount} generated); columns ${counts.map((c) => `${c.key} ${c.n}`).join(', ')}`,
    );

    await settle();
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    // One untimed load first: the server's and the database's caches warm up, the browser's stay cold
    // (every load below has a new context, so nothing is cached between them).
    await loadBoard(browser, base, columns, longest, true);
    const times = [];
    let boardJS = null;
    for (let i = 1; i <= runs; i++) {
      const r = await loadBoard(browser, base, columns, longest, false);
      times.push(r.usable);
      boardJS ??= r.js;
      console.log(
        `load ${i}: usable ${r.usable.toFixed(0)} ms (DOMContentLoaded ${r.dcl?.toFixed(0) ?? '?'} ms); ${r.cards} cards in the DOM, ${r.longCards} of column ${longest} (count ${r.longCount}); ${r.js.files.length} scripts, ${kb(r.js.gz)} KB gzip -9`,
      );
    }
    const loginJS = await loadLogin(browser, base);
    for (const [name, js] of [
      ['/board', boardJS],
      ['/login', loginJS],
    ]) {
      console.log(`initial JavaScript of ${name}: ${js.files.length} files, ${kb(js.raw)} KB raw, ${kb(js.gz)} KB gzip -9 (served with content-encoding: ${js.encoding})`);
      for (const f of js.files.sort((a, b) => b.gz - a.gz)) console.log(`  ${f.file}  ${kb(f.raw)} KB raw  ${kb(f.gz)} KB gz`);
    }
    console.log(`bench-board: load average after: ${loadavg()}`);
    console.log(`board2000_ms=${median(times).toFixed(0)}`);
    console.log(`initial_js_kb_gz=${kb(Math.max(boardJS.gz, loginJS.gz))}`);
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(`bench-board: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
