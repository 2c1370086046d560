#!/usr/bin/env node
// bench-dashboard-summary: the last line of `make bench-dashboard`, from the two benchmarks' outputs.
//
//   node scripts/bench-dashboard-summary.mjs SERVER_OUTPUT BROWSER_OUTPUT
//
// SERVER_OUTPUT holds the line `bench-dashboard-server tickets=N counter_p99_ms=X timed_p99_ms=Y exact=true`
// (`atiende bench dashboard`); BROWSER_OUTPUT the lines `board2000_ms=B` and `initial_js_kb_gz=K`
// (scripts/bench-board.mjs). Prints how each figure compares with the issue's target, then
// `bench-dashboard tickets=N counter_p99_ms=X timed_p99_ms=Y initial_js_kb_gz=K board2000_ms=B`.
// Fails with a message when a figure is missing or the server's numbers were not exact.
import { pathToFileURL } from 'node:url';

/** The issue's targets: at most this much. */
export const targets = { counter_p99_ms: 5, timed_p99_ms: 50, initial_js_kb_gz: 250, board2000_ms: 1500 };

/** fields reads the key=value pairs of one line. */
function fields(line) {
  const out = {};
  for (const word of line.trim().split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq > 0) out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

function number(v, what) {
  if (v === undefined || v === '' || !Number.isFinite(Number(v))) throw new Error(`${what} is missing or not a number (${JSON.stringify(v ?? null)})`);
  return v;
}

/** summarize builds the summary line from both outputs, or throws saying what is missing. */
export function summarize(serverOutput, browserOutput) {
  const serverLine = serverOutput
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('bench-dashboard-server '));
  if (serverLine === undefined) {
    throw new Error('no `bench-dashboard-server …` line from `atiende bench dashboard`: is the dashboard benchmark in this build?');
  }
  const s = fields(serverLine);
  if (s.exact !== 'true') throw new Error(`the dashboard's numbers were not exact (exact=${s.exact ?? 'missing'}): ${serverLine}`);
  const b = {};
  for (const line of browserOutput.split('\n')) Object.assign(b, fields(line));
  const figures = {
    tickets: number(s.tickets, 'tickets (bench dashboard)'),
    counter_p99_ms: number(s.counter_p99_ms, 'counter_p99_ms (bench dashboard)'),
    timed_p99_ms: number(s.timed_p99_ms, 'timed_p99_ms (bench dashboard)'),
    initial_js_kb_gz: number(b.initial_js_kb_gz, 'initial_js_kb_gz (bench-board.mjs)'),
    board2000_ms: number(b.board2000_ms, 'board2000_ms (bench-board.mjs)'),
  };
  const checks = Object.entries(targets).map(([k, max]) => `${k} ${figures[k]} ${Number(figures[k]) <= max ? '≤' : '>'} ${max} ${Number(figures[k]) <= max ? 'met' : 'MISSED'}`);
  const line = `bench-dashboard ${Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`;
  return { checks, line };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { checks, line } = summarize(process.argv[2] ?? '', process.argv[3] ?? '');
    console.log(`targets: ${checks.join('; ')}`);
    console.log(line);
  } catch (err) {
    console.error(`bench-dashboard: ${err.message}`);
    process.exit(1);
  }
}
