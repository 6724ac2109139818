/**
 * Hostile input to the runtime front ends (issue #17's cases): each ends cleanly (a report, or exit 2
 * with a one-line message naming the file), in linear time, and never echoes a secret.
 * Linear time is checked as a ratio: input 5x larger may take at most ~11x longer (a quadratic loop
 * would take 25x); the small size is timed twice and the faster run is kept, to damp machine noise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('bw-hostile-');

async function timed(args: string[]): Promise<{ ms: number; code: number; stderr: string }> {
  const t0 = performance.now();
  const r = await runCli(args);
  return { ms: performance.now() - t0, code: r.code, stderr: r.stderr };
}

/** time(small) twice (min) and time(large) once; assert both succeed and the growth is about linear */
async function linear(name: string, small: string[], large: string[], factor: number): Promise<void> {
  const a = await timed(small);
  const b = await timed(small);
  assert.equal(a.code, 0, `${name} small: ${a.stderr}`);
  const c = await timed(large);
  assert.equal(c.code, 0, `${name} large: ${c.stderr}`);
  const base = Math.max(Math.min(a.ms, b.ms), 50);
  const ratio = c.ms / base;
  assert.ok(ratio < factor * 2.2, `${name}: ${factor}x the input took ${ratio.toFixed(1)}x the time (${base.toFixed(0)} ms -> ${c.ms.toFixed(0)} ms): not linear`);
}

test('secrets in a docker run line are never echoed: json, sarif, table', async () => {
  const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
  const aws = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const line = ['docker', 'run', '-e', `GITHUB_TOKEN=${token}`, '-e', `AWS_SECRET_ACCESS_KEY=${aws}`, '--env=PLAIN=visible-but-redacted', '-itePASSWORD=hunter2hunter2', 'alpine', 'sh', '-c', `curl https://user:${aws}@example.com`];
  for (const format of ['json', 'sarif', 'table']) {
    const r = await runCli(['run', '-f', format, '--', ...line]);
    assert.equal(r.code, 0, r.stderr);
    for (const secret of [token, aws, 'hunter2hunter2', 'visible-but-redacted']) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${format} output shows a secret`);
    }
    if (format === 'json') {
      const rep = JSON.parse(r.stdout);
      assert.match(rep.targets[0].name, /GITHUB_TOKEN=<redacted>/);
      assert.match(rep.targets[0].name, /AWS_SECRET_ACCESS_KEY=<redacted>/);
      // the findings still name the variables
      assert.ok(rep.findings.some((f: { ruleId: string; evidence?: { name?: string } }) => f.ruleId === 'BW-RUNTIME-026' && f.evidence?.name === 'GITHUB_TOKEN'));
    }
  }
  // a bad flag next to a secret: the error does not echo it either
  const bad = await runCli(['run', '--', 'docker', 'run', `-Ze=TOKEN=${token}`, 'alpine']);
  assert.equal(bad.code, 2);
  assert.ok(!bad.stderr.includes(token));
});

test('run: 20,000 and 100,000 -e options, linear', { timeout: 300_000 }, async () => {
  const line = (n: number) => {
    const a = ['run', '-f', 'json', '-o', join(dir, `run-${n}.json`), '--', 'docker', 'run'];
    for (let i = 0; i < n; i++) a.push('-e', `VAR_${i}=value${i}`);
    return [...a, 'alpine'];
  };
  await linear('run -e', line(20_000), line(100_000), 5);
  const rep = JSON.parse(readFileSync(join(dir, 'run-100000.json'), 'utf8'));
  assert.equal(rep.targets.length, 1);
  assert.ok(!rep.targets[0].name.includes('value99999'));
});

test('containers --from-inspect: 4,000 and 20,000 containers, linear', { timeout: 300_000 }, async () => {
  const file = (n: number) => {
    const p = join(dir, `inspect-${n}.json`);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      parts.push(JSON.stringify({ Id: `id${i}`, Name: `/c${i}`, State: { Status: 'running' }, Config: { Image: 'alpine:3.20', Env: [`A=${i}`] }, HostConfig: { Privileged: i % 2 === 0, CapAdd: ['NET_ADMIN'], Binds: ['/srv:/srv'] }, Mounts: [] }));
    }
    writeFileSync(p, `[${parts.join(',')}]`);
    return ['containers', '--from-inspect', p, '-f', 'json', '-o', join(dir, `inspect-${n}.out.json`)];
  };
  await linear('containers --from-inspect', file(4_000), file(20_000), 5);
  const rep = JSON.parse(readFileSync(join(dir, 'inspect-20000.out.json'), 'utf8'));
  assert.equal(rep.summary.containers.length, 20_000);
});

test('compose: 6,000 and 30,000 services, linear', { timeout: 300_000 }, async () => {
  const file = (n: number) => {
    const p = join(dir, `compose-${n}.yaml`);
    let s = 'x-base: &base\n  restart: always\nservices:\n';
    for (let i = 0; i < n; i++) s += `  s${i}:\n    <<: *base\n    image: nginx:1.27\n    ports: ["${8000 + (i % 1000)}:80"]\n    environment:\n      A: "${i}"\n`;
    writeFileSync(p, s);
    return ['compose', '--file', p, '--format', 'json', '-o', join(dir, `compose-${n}.out.json`)];
  };
  await linear('compose services', file(6_000), file(30_000), 5);
  const rep = JSON.parse(readFileSync(join(dir, 'compose-30000.out.json'), 'utf8'));
  assert.equal(rep.summary.containers.length, 30_000);
});

test('compose: a 20,000-deep extends chain is a clear error, not a stack overflow (both orders)', { timeout: 120_000 }, async () => {
  for (const order of ['forward', 'backward']) {
    const n = 20_000;
    const idx = [...Array(n).keys()];
    if (order === 'backward') idx.reverse();
    let s = 'services:\n';
    for (const i of idx) s += i === 0 ? `  s0:\n    image: alpine:3.20\n` : `  s${i}:\n    extends: s${i - 1}\n`;
    const p = join(dir, `extends-${order}.yaml`);
    writeFileSync(p, s);
    const t0 = performance.now();
    const r = await runCli(['compose', '--file', p, '--format', 'json']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /extends a chain of more than 64 services/);
    assert.match(r.stderr, new RegExp(`extends-${order}\\.yaml:\\d+:\\d+`));
    assert.ok(!/Maximum call stack|RangeError|\n\s+at /.test(r.stderr), r.stderr);
    assert.ok(performance.now() - t0 < 60_000);
  }
  // a chain within the limit still resolves
  let ok = 'services:\n  s0:\n    image: alpine:3.20\n    privileged: true\n';
  for (let i = 1; i <= 30; i++) ok += `  s${i}:\n    extends: s${i - 1}\n`;
  writeFileSync(join(dir, 'extends-ok.yaml'), ok);
  const r = await runCli(['compose', '--file', join(dir, 'extends-ok.yaml'), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'BW-ESCAPE-001').length, 31);
});

test('compose: a directory, a binary file and deep nesting are one-line errors naming the file', async () => {
  const d = join(dir, 'a-directory');
  mkdirSync(d);
  const r = await runCli(['compose', '--file', d]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /a-directory: is a directory/);
  assert.ok(!/EISDIR/.test(r.stderr), r.stderr);
  const bin = join(dir, 'binary.yaml');
  writeFileSync(bin, Buffer.from([0x73, 0x3a, 0x0a, 0x00, 0x01, 0x02, 0xff, 0xfe]));
  const rb = await runCli(['compose', '--file', bin]);
  assert.equal(rb.code, 2);
  assert.match(rb.stderr, /binary\.yaml:2: binary data/);
  for (const [name, text] of [
    ['flow', 'services:\n  s:\n    labels: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n'],
    ['block', 'services:\n' + Array.from({ length: 1_500 }, (_, i) => ' '.repeat(i + 2) + `k${i}:`).join('\n') + ' x\n'],
  ] as const) {
    const p = join(dir, `deep-${name}.yaml`);
    writeFileSync(p, text);
    const rd = await runCli(['compose', '--file', p]);
    assert.equal(rd.code, 2, name);
    assert.match(rd.stderr, new RegExp(`deep-${name}\\.yaml(:\\d+:\\d+)?: (YAML )?nest(ed|ing) (too deeply|deeper than)`), rd.stderr);
    assert.ok(!/Maximum call stack|invalid YAML/.test(rd.stderr), rd.stderr);
    assert.equal(rd.stderr.trim().split('\n').length, 1);
  }
});
