#!/usr/bin/env node
// Summarizes a `make test` run from .data/results (or $ATIENDE_RESULTS_DIR):
//   go.jsonl      go test -json events: pass/fail events with a Test field (tests and subtests);
//                 a package-level fail with no failed test in it (build failure, ...) counts 1 failed
//   vitest.json   Vitest JSON reporter: numPassedTests / numFailedTests
//   e2e.json      same format as vitest.json
//   stage-<name>.failed / .passed   markers written by the Makefile for each stage; a failed
//                 stage without a results file of its own counts 1 failed
// A results file that is missing or unreadable counts 1 failed. The last line printed is exactly
// `N passed, N failed`. Exits 1 when anything failed. No dependencies.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(process.env.ATIENDE_RESULTS_DIR || path.join(root, '.data', 'results'));
const MAX_NAMES = 25;

// Stages whose results live in a file; every other stage only has its marker.
const SOURCES = [
  { stage: 'go', label: 'Go tests', file: 'go.jsonl', parse: parseGo },
  { stage: 'vitest', label: 'Vitest', file: 'vitest.json', parse: parseVitest },
  { stage: 'e2e', label: 'End-to-end', file: 'e2e.json', parse: parseVitest },
];

function parseGo(text) {
  let passed = 0, failed = 0, skipped = 0;
  const names = [];
  const failedTestsIn = new Map();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e;
    try { e = JSON.parse(line); } catch { continue; }
    if (!e || typeof e !== 'object') continue;
    const pkg = e.Package ?? '';
    if (e.Test) {
      if (e.Action === 'pass') passed++;
      else if (e.Action === 'skip') skipped++;
      else if (e.Action === 'fail') {
        failed++;
        names.push(`${pkg} ${e.Test}`);
        failedTestsIn.set(pkg, (failedTestsIn.get(pkg) ?? 0) + 1);
      }
    } else if (e.Action === 'fail' && pkg && !failedTestsIn.get(pkg)) {
      failed++;
      names.push(`${pkg} (package${e.FailedBuild ? ' build' : ''} failed)`);
      failedTestsIn.set(pkg, 1);
    }
  }
  return { passed, failed, skipped, names };
}

function parseVitest(text) {
  const r = JSON.parse(text);
  const num = (v) => (Number.isFinite(v) ? v : 0);
  const passed = num(r.numPassedTests);
  let failed = num(r.numFailedTests);
  const skipped = num(r.numPendingTests) + num(r.numTodoTests);
  const names = [];
  for (const file of r.testResults ?? []) {
    const rel = file.name ? path.relative(root, file.name) : '?';
    const bad = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of bad) names.push(`${rel} > ${a.fullName ?? a.title}`);
    if (!bad.length && file.status === 'failed') names.push(`${rel} (file failed${file.message ? ': ' + String(file.message).split('\n')[0] : ''})`);
  }
  if (failed === 0 && (r.success === false || num(r.numFailedTestSuites) > 0)) {
    failed = 1; // a suite failed to load, an unhandled error, ...
    if (!names.length) names.push('run failed without a failed test');
  }
  return { passed, failed, skipped, names };
}

const exists = (f) => fs.existsSync(path.join(dir, f));
const markers = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
const stageState = new Map(); // name -> 'passed' | 'failed'
for (const f of markers.sort()) {
  const m = /^stage-(.+)\.(passed|failed)$/.exec(f);
  if (m && stageState.get(m[1]) !== 'failed') stageState.set(m[1], m[2]);
}

let totalPassed = 0, totalFailed = 0;
const rows = [];
const pad = (s, n) => (s + ' '.repeat(n)).slice(0, Math.max(n, s.length));

const shown = path.relative(process.cwd(), dir);
console.log(`Results in ${shown && !shown.startsWith('..') ? shown : dir}:`);
for (const src of SOURCES) {
  const stageFailed = stageState.get(src.stage) === 'failed';
  let res, note = '';
  if (!exists(src.file)) {
    res = { passed: 0, failed: 1, skipped: 0, names: [] };
    note = `no ${src.file}: the stage did not produce results`;
  } else {
    try {
      res = src.parse(fs.readFileSync(path.join(dir, src.file), 'utf8'));
    } catch (err) {
      res = { passed: 0, failed: 1, skipped: 0, names: [] };
      note = `cannot read ${src.file}: ${err.message}`;
    }
    if (stageFailed && res.failed === 0) {
      res.failed = 1;
      note = 'the stage failed although its results show no failed test';
    }
  }
  totalPassed += res.passed;
  totalFailed += res.failed;
  let line = `  ${pad(src.label, 12)} ${res.passed} passed, ${res.failed} failed`;
  if (res.skipped) line += `, ${res.skipped} skipped`;
  if (note) line += `  (${note})`;
  console.log(line);
  for (const n of res.names.slice(0, MAX_NAMES)) console.log(`      FAIL ${n}`);
  if (res.names.length > MAX_NAMES) console.log(`      ... and ${res.names.length - MAX_NAMES} more`);
}

const own = new Set(SOURCES.map((s) => s.stage));
const stageNames = [...stageState.keys()].filter((n) => !own.has(n));
if (stageNames.length) {
  const failedStages = stageNames.filter((n) => stageState.get(n) === 'failed');
  totalFailed += failedStages.length;
  console.log(`  ${pad('Stages', 12)} ${stageNames.map((n) => `${n} ${stageState.get(n) === 'failed' ? 'FAILED' : 'ok'}`).join(', ')}`);
} else {
  console.log(`  ${pad('Stages', 12)} no stage markers found`);
}

console.log(`${totalPassed} passed, ${totalFailed} failed`);
process.exitCode = totalFailed > 0 ? 1 : 0;
