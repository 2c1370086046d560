// End-to-end harness.
//
// The default export is Vitest's global setup: it creates a fresh database `atiende_e2e` on the server
// of ATIENDE_TEST_DATABASE_URL, runs `$ATIENDE_BIN migrate` and `seed` on it, starts `$ATIENDE_BIN
// serve` on a free port with its own Redis prefix, waits for /readyz, and stops it all at the end.
// The other exports are the helpers of the test files: SQL through psql, the browser, logins.
//
// Environment (set by `make test-e2e`): ATIENDE_BIN (a binary built with -tags embed, so it serves
// the SPA), ATIENDE_TEST_DATABASE_URL (database `postgres` of the test server), ATIENDE_TEST_REDIS_URL
// (or REDIS_URL), ATIENDE_CHROMIUM (default /usr/bin/chromium). Optional: ATIENDE_E2E_KEEP_DB=1 keeps
// the database afterwards; ATIENDE_E2E_DB names another database than atiende_e2e; ATIENDE_E2E_ARTIFACTS
// is where screenshots go (default: the OS temp dir).
// A missing piece fails the run with a message; nothing is skipped.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import type { TestProject } from 'vitest/node';

/** The desk's time zone the server runs in: dashboards and reports count its days. */
export const deskZone = 'America/Bogota';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eBaseURL: string;
    e2eDatabaseURL: string;
    e2ePsql: string;
  }
}

const run = promisify(execFile);

/** dbName is the database the run creates; ATIENDE_E2E_DB lets two runs share one server side by side. */
export const dbName = /^[a-z_][a-z0-9_]{0,62}$/.test(process.env.ATIENDE_E2E_DB ?? '') ? process.env.ATIENDE_E2E_DB! : 'atiende_e2e';
export const demoPassword = 'atiende-demo';

/** The demo logins of `atiende seed` used by the tests, with the names the board shows. */
export const users = {
  agent1: { email: 'agent1@atiende.test', name: 'Lucía Torres' },
  agent2: { email: 'agent2@atiende.test', name: 'Mateo García' },
} as const;

/** Chromium's flags on these machines (see SETUP-NOTES.md). */
export const chromiumArgs = [
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

class SetupError extends Error {
  constructor(message: string) {
    super(`e2e setup: ${message}`);
    this.name = 'SetupError';
  }
}

function required(name: string, hint: string): string {
  const v = process.env[name]?.trim();
  if (!v) throw new SetupError(`${name} is not set: ${hint}. Run the e2e tests through \`make test-e2e\`.`);
  return v;
}

/** chromiumPath is the browser to drive; it must exist (playwright's own download is not used). */
export function chromiumPath(): string {
  const p = process.env.ATIENDE_CHROMIUM?.trim() || '/usr/bin/chromium';
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    throw new SetupError(`Chromium not found at ${p} (ATIENDE_CHROMIUM): install it with \`scripts/services.sh ensure --browser\``);
  }
  return p;
}

/** findPsql returns the psql client: on PATH, else the newest /usr/lib/postgresql/<v>/bin/psql. */
function findPsql(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, 'psql');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) {
    const p = path.join(base, v, 'bin', 'psql');
    if (fs.existsSync(p)) return p;
  }
  throw new SetupError('psql not found on PATH nor in /usr/lib/postgresql/*/bin (package postgresql-client)');
}

async function psqlRun(psql: string, url: string, sql: string): Promise<string> {
  try {
    const { stdout } = await run(psql, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { timeout: 30_000 });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`psql failed on ${JSON.stringify(sql)}: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function runBin(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run(bin, args, { env, timeout: 120_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new SetupError(`\`atiende ${args.join(' ')}\` failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

async function waitReady(base: string, proc: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new SetupError(`atiende serve exited (${proc.exitCode ?? proc.signalCode}) before it was ready; log ${log}:\n${tail(log)}`);
    }
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new SetupError(`atiende serve not ready at ${base}/readyz after ${timeoutMs} ms (last: ${last}); log ${log}:\n${tail(log)}`);
}

function stop(proc: ChildProcess, timeoutMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
    }, timeoutMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

async function dropRedisKeys(redisURL: string, prefix: string): Promise<void> {
  // Best effort: the keys and streams of this run's prefix. Without redis-cli they just stay.
  try {
    const { stdout } = await run('redis-cli', ['-u', redisURL, '--scan', '--pattern', `${prefix}*`], { timeout: 10_000 });
    const keys = stdout.split('\n').filter(Boolean);
    for (let i = 0; i < keys.length; i += 200) await run('redis-cli', ['-u', redisURL, 'DEL', ...keys.slice(i, i + 200)], { timeout: 10_000 });
  } catch {
    // redis-cli missing or Redis gone: nothing to clean.
  }
}

/** Vitest global setup: database, migrations, seed, server. Returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bin = required('ATIENDE_BIN', 'the path of bin/atiende built with `go build -tags embed`');
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new SetupError(`ATIENDE_BIN=${bin} is not an executable file: build it with \`go build -tags embed -o bin/atiende ./server/cmd/atiende\``);
  }
  const adminURL = required('ATIENDE_TEST_DATABASE_URL', 'a postgres:// URL of the test server (database postgres)');
  const redisURL = process.env.ATIENDE_TEST_REDIS_URL?.trim() || required('REDIS_URL', 'ATIENDE_TEST_REDIS_URL or REDIS_URL, a redis:// URL');
  chromiumPath();
  const psql = findPsql();

  const started = Date.now();
  const port = await freePort();
  const prefix = `atiende-e2e-${process.pid}-${Date.now().toString(36)}`;
  const dbURL = withDatabase(adminURL, dbName);
  const base = `http://127.0.0.1:${port}`;
  const log = path.join(os.tmpdir(), `atiende-e2e-server-${process.pid}.log`);
  let proc: ChildProcess | null = null;

  const teardown = async () => {
    if (proc !== null) {
      await stop(proc, 10_000);
      if (proc.exitCode !== null && proc.exitCode !== 0) console.error(`e2e: atiende serve exited with ${proc.exitCode}; log ${log}:\n${tail(log)}`);
    }
    await dropRedisKeys(redisURL, prefix);
    if (process.env.ATIENDE_E2E_KEEP_DB !== '1') {
      await psqlRun(psql, adminURL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((err: unknown) => console.error(err));
    }
  };

  try {
    await psqlRun(psql, adminURL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await psqlRun(psql, adminURL, `CREATE DATABASE ${dbName}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: dbURL,
      REDIS_URL: redisURL,
      ATIENDE_ADDR: `127.0.0.1:${port}`,
      ATIENDE_REDIS_PREFIX: prefix,
      ATIENDE_LOGIN_MAX_PER_EMAIL: '1000',
      ATIENDE_LOGIN_MAX_PER_IP: '1000',
      ATIENDE_LOG_LEVEL: 'warn',
      ATIENDE_SHUTDOWN_TIMEOUT: '5s',
      DESK_TIME_ZONE: deskZone,
    };
    await runBin(bin, ['migrate'], env);
    await runBin(bin, ['seed'], env);

    const out = fs.openSync(log, 'w');
    proc = spawn(bin, ['serve'], { env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    await waitReady(base, proc, log, 30_000);
    // A binary built without -tags embed answers with a placeholder page instead of the SPA.
    const index = await fetch(`${base}/`)
      .then((r) => r.text())
      .catch(() => '');
    if (!index.includes('id="root"')) {
      throw new SetupError(`ATIENDE_BIN=${bin} does not serve the web app (built without -tags embed?): build the SPA, then \`go build -tags embed\``);
    }
  } catch (err) {
    await teardown();
    throw err;
  }
  console.log(`e2e: atiende on ${base} (database ${dbName}, Redis prefix ${prefix}, log ${log}) ready in ${Date.now() - started} ms`);

  project.provide('e2eBaseURL', base);
  project.provide('e2eDatabaseURL', dbURL);
  project.provide('e2ePsql', psql);
  return teardown;
}

// ---------------------------------------------------------------- helpers for the test files

/** baseURL is where the server of this run listens. */
export function baseURL(): string {
  return inject('e2eBaseURL');
}

/** sql runs one statement on the e2e database and returns psql's unaligned output. */
export function sql(statement: string): Promise<string> {
  return psqlRun(inject('e2ePsql'), inject('e2eDatabaseURL'), statement);
}

/** launchBrowser starts the one headless Chromium of a test file. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
}

/** What a page printed or failed on, for the message of a failed step. */
const pageLogs = new WeakMap<Page, string[]>();

function keepLog(page: Page): void {
  const lines: string[] = [];
  pageLogs.set(page, lines);
  const add = (line: string) => {
    lines.push(line);
    if (lines.length > 50) lines.shift();
  };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') add(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => add(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => add(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 500) add(`response: ${r.status()} ${r.request().method()} ${r.url()}`);
  });
}

/** describePage tells where a page is and what it shows, with its recent errors. */
export async function describePage(page: Page): Promise<string> {
  const text = await page
    .locator('body')
    .innerText({ timeout: 2000 })
    .catch((e: unknown) => `(no text: ${String(e)})`);
  const logs = pageLogs.get(page) ?? [];
  return `page ${page.url()} shows: ${JSON.stringify(text.slice(0, 400))}${logs.length ? `\n  ${logs.join('\n  ')}` : ''}`;
}

/** newPage opens a page in a fresh context (its own cookies): one context per user. A test that drags
 * across every column of the board asks for a viewport wide enough to show them all. */
export async function newPage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1600, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseURL(),
    viewport,
    locale: 'es-ES',
    timezoneId: 'America/Bogota',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  keepLog(page);
  return { context, page };
}

/** login signs in through the login form and waits for the home page: the board's columns, or a
 * customer's or consultant's orders. */
export async function login(page: Page, email: string, password = demoPassword): Promise<void> {
  try {
    await page.goto('/login');
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    // Staff land on the board; customers and consultants on their orders.
    await page.locator('[data-testid="column-unattended"], [data-testid="portal-orders"]').first().waitFor({ timeout: 30_000 });
  } catch (err) {
    const shot = artifact(`login-failed-${email.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(`login as ${email} failed: ${err instanceof Error ? err.message : String(err)}\n${await describePage(page)}\nscreenshot ${shot}`);
  }
}

/** signIn signs in through the login form and waits only for the app to leave the login page, for tests
 * that start somewhere else than the home page. */
export async function signIn(page: Page, email: string, password = demoPassword): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
}

/** apiOf calls the API with a signed-in context's session (cookies and the CSRF header), as the SPA does. */
export function apiOf(context: BrowserContext, page: Page): <T>(method: string, path: string, body?: unknown) => Promise<T> {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const csrf = (await context.cookies()).find((c) => c.name === 'atiende_csrf')?.value ?? '';
    const res = await page.request.fetch(`/api/v1${path}`, {
      method,
      headers: { 'X-CSRF-Token': csrf, 'Accept-Language': 'es', Accept: 'application/json' },
      ...(body === undefined ? {} : { data: body }),
    });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

/** poll waits for a value that satisfies ok (pages update on their own; no fixed sleeps). */
export async function poll<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeout = 15_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`${what}: last ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

/** waitLive waits until the header shows the live connection as up. */
export async function waitLive(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout });
}

/** artifact is a path for a screenshot or similar, outside the repository. */
export function artifact(name: string): string {
  const dir = process.env.ATIENDE_E2E_ARTIFACTS?.trim() || path.join(os.tmpdir(), 'atiende-e2e');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/** ticketRows are the records table's rows on a page. */
export const ticketRows = (page: Page) => page.locator('[data-testid^="ticket-row-"]');

/** loadAllRows presses "load more" until the records table holds every row of its view. */
export async function loadAllRows(page: Page): Promise<void> {
  await page.getByTestId('tickets-total').waitFor();
  const more = page.getByTestId('load-more');
  for (let i = 0; i < 100; i++) {
    if ((await more.count()) === 0) return;
    const before = await ticketRows(page).count();
    await more.click({ timeout: 5000 }).catch(() => undefined); // it may go away as the last page lands
    await expect.poll(async () => (await more.count()) === 0 || (await ticketRows(page).count()) > before, { timeout: 10_000 }).toBe(true);
  }
  throw new Error(`the records table kept offering more rows: ${await describePage(page)}`);
}
