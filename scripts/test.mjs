#!/usr/bin/env node
// Runs the test suite with Node's test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [substring filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = walk('test', []).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// *.serial.test.ts change machine-wide state (a second dockerd rewrites iptables): they run alone, after the rest.
const serial = files.filter((f) => f.endsWith('.serial.test.ts'));
const parallel = files.filter((f) => !f.endsWith('.serial.test.ts'));
const concurrency = process.env.BULWARK_TEST_CONCURRENCY ?? '2';
let status = 0;
const totals = { pass: 0, fail: 0, skipped: 0 };
// the failing tests, named again after the summary so the end of a long CI log says which ones failed
const failures = [];
let awaitingLocation = false;
for (const [group, conc] of [
  [parallel, concurrency],
  [serial, '1'],
]) {
  if (group.length === 0) continue;
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', `--test-concurrency=${conc}`, ...group], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'test' },
    });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const text = tail + chunk.toString('utf8');
      const lines = text.split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^# (pass|fail|skipped) (\d+)$/.exec(line);
        if (m) totals[m[1]] += Number(m[2]);
        const f = /^(\s*)not ok \d+ - (.*)$/.exec(line);
        if (f) {
          failures.push(`${f[1]}${f[2]}`);
          awaitingLocation = true;
        } else if (awaitingLocation) {
          const loc = /^\s*location: '(.*)'$/.exec(line);
          if (loc) {
            failures[failures.length - 1] += `  (${loc[1].replace(process.cwd() + '/', '')})`;
            awaitingLocation = false;
          } else if (/^\s*(?:ok|not ok) \d+/.test(line)) awaitingLocation = false;
        }
      }
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) status = code;
}
// one closing line for the whole run (the two groups each print their own TAP summary above)
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
console.log(`\nbulwark: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);
