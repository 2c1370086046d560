#!/usr/bin/env node
// Reads `go test -json` from stdin once: saves every line to the file named by the first argument
// (e.g. .data/results/go.jsonl) and prints a readable report as it goes: one line per package,
// and for each failure the output of the failed test (or of the package, for build failures,
// panics outside a test, races found after the tests, timeouts).
// Exits 1 when anything failed. No dependencies.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const outPath = process.argv[2];
if (!outPath) {
  console.error('usage: go test -json ./... | node scripts/gotest-report.mjs OUT.jsonl');
  process.exit(2);
}
fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
const out = fs.openSync(outPath, 'w');

const testOutput = new Map(); // "pkg\0Test" -> [lines]
const pkgOutput = new Map(); // pkg -> [lines] (output without a Test)
const buildOutput = new Map(); // ImportPath -> [lines]
const pkgTests = new Map(); // pkg -> {pass, fail, skip}
let passed = 0, failed = 0, skipped = 0, pkgOk = 0, pkgFailed = 0;
const failures = [];

const push = (map, key, line) => {
  let a = map.get(key);
  if (!a) map.set(key, (a = []));
  a.push(line);
};
const counts = (pkg) => {
  let c = pkgTests.get(pkg);
  if (!c) pkgTests.set(pkg, (c = { pass: 0, fail: 0, skip: 0 }));
  return c;
};
const indent = (lines) => lines.join('').replace(/\n$/, '').split('\n').map((l) => '    ' + l).join('\n');
const secs = (e) => (typeof e.Elapsed === 'number' ? ` (${e.Elapsed.toFixed(2)}s)` : '');

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  fs.writeSync(out, line + '\n');
  let e;
  try {
    e = JSON.parse(line);
  } catch {
    console.log(line); // not JSON: show it as is
    return;
  }
  if (!e || typeof e !== 'object') return;
  const pkg = e.Package ?? '';
  switch (e.Action) {
    case 'build-output':
      push(buildOutput, e.ImportPath ?? '', e.Output ?? '');
      return;
    case 'build-fail':
      return; // reported with the package's fail event
    case 'output':
      if (e.Test) push(testOutput, pkg + '\0' + e.Test, e.Output ?? '');
      else push(pkgOutput, pkg, e.Output ?? '');
      return;
    case 'pass':
    case 'fail':
    case 'skip':
      break;
    default:
      return;
  }
  if (e.Test) {
    const key = pkg + '\0' + e.Test;
    const c = counts(pkg);
    if (e.Action === 'pass') { passed++; c.pass++; }
    if (e.Action === 'skip') { skipped++; c.skip++; }
    if (e.Action === 'fail') {
      failed++; c.fail++;
      failures.push(`${pkg} ${e.Test}`);
      console.log(`--- FAIL: ${e.Test}${secs(e)} in ${pkg}`);
      const lines = testOutput.get(key);
      if (lines?.length) console.log(indent(lines));
    }
    testOutput.delete(key);
    return;
  }
  // Package-level result.
  const c = counts(pkg);
  if (e.Action === 'fail') {
    pkgFailed++;
    let why = '';
    if (c.fail === 0) {
      failed++; // a build failure, panic, race or timeout outside any test: one failure
      failures.push(`${pkg} (package)`);
      why = e.FailedBuild ? ' [build failed]' : '';
    }
    console.log(`FAIL  ${pkg}${secs(e)}${why}  ${c.pass} passed, ${c.fail} failed${c.skip ? `, ${c.skip} skipped` : ''}`);
    if (c.fail === 0) {
      const lines = [...(e.FailedBuild ? buildOutput.get(e.FailedBuild) ?? [] : []), ...(pkgOutput.get(pkg) ?? [])];
      if (lines.length) console.log(indent(lines));
    }
  } else if (e.Action === 'skip') {
    // "[no test files]"
  } else {
    pkgOk++;
    console.log(`ok    ${pkg}${secs(e)}  ${c.pass} passed${c.skip ? `, ${c.skip} skipped` : ''}`);
  }
  pkgOutput.delete(pkg);
  for (const k of testOutput.keys()) if (k.startsWith(pkg + '\0')) testOutput.delete(k);
});
rl.on('close', () => {
  fs.closeSync(out);
  console.log('');
  if (failures.length) {
    console.log('Go failures:');
    for (const f of failures) console.log(`  ${f}`);
  }
  console.log(
    `go test: ${passed} passed, ${failed} failed, ${skipped} skipped ` +
      `(${pkgOk} packages ok, ${pkgFailed} failed); events in ${outPath}`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
});
