// node --test scripts/bench-dashboard-summary.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from './bench-dashboard-summary.mjs';

const server = [
  'load average before: 1.00 1.00 1.00',
  'bench-dashboard-server tickets=1000000 counter_p99_ms=1.84 timed_p99_ms=31.2 exact=true',
].join('\n');
const browser = ['load 1: usable 900 ms', 'board2000_ms=912', 'initial_js_kb_gz=181.2'].join('\n');

test('the summary line carries the five figures in the issue order', () => {
  const { checks, line } = summarize(server, browser);
  assert.equal(line, 'bench-dashboard tickets=1000000 counter_p99_ms=1.84 timed_p99_ms=31.2 initial_js_kb_gz=181.2 board2000_ms=912');
  assert.deepEqual(
    checks.map((c) => c.endsWith('met')),
    [true, true, true, true],
  );
});

test('a missed target is said, the line is still printed', () => {
  const { checks } = summarize(server, browser.replace('board2000_ms=912', 'board2000_ms=2400'));
  assert.match(checks[3], /board2000_ms 2400 > 1500 MISSED/);
});

test('a build without the dashboard benchmark fails with a clear message', () => {
  assert.throws(() => summarize('bench: unknown benchmark "dashboard"', browser), /no `bench-dashboard-server …` line/);
});

test('inexact numbers or a missing browser figure fail', () => {
  assert.throws(() => summarize(server.replace('exact=true', 'exact=false'), browser), /not exact/);
  assert.throws(() => summarize(server, 'board2000_ms=912'), /initial_js_kb_gz/);
});
