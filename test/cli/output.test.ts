/** Report output and exit codes shared by every command (src/cli/output.ts), through the CLI in-process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { emitReport } from '../../src/cli/output.js';
import { runChecks } from '../../src/analyzers/daemon/run.js';
import { makeEvidence } from '../daemon/evidence.js';
import type { HostRule } from '../../src/analyzers/daemon/check.js';
import { defineRule } from '../../src/core/rule.js';
import type { Report } from '../../src/core/report.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'build');
const work = tempDir('bulwark-output-');

function noStack(s: string): void {
  assert.doesNotMatch(s, /\n\s+at .+:\d+:\d+/, `stack trace in:\n${s}`);
  assert.doesNotMatch(s, /internal error/, s);
}

test('dockerfile F -o F refuses to overwrite its input; the file is untouched', async () => {
  const f = join(work, 'Dockerfile');
  copyFileSync(join(FIXTURES, 'insecure.Dockerfile'), f);
  const before = readFileSync(f, 'utf8');
  for (const args of [['dockerfile', f, '-o', f], ['dockerfile', f, `--output=${f}`], ['dockerfile', '-o', f, f]]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /refusing to write the report over .*Dockerfile: it is an input of this command/);
    assert.equal(readFileSync(f, 'utf8'), before);
  }
  // a hard link to the input is the input too
  const link = join(work, 'Dockerfile.link');
  execFileSync('ln', [f, link]);
  assert.equal((await runCli(['dockerfile', f, '-o', link])).code, 2);
  assert.equal(readFileSync(f, 'utf8'), before);
  // another file is fine
  const out = join(work, 'report.json');
  const ok = await runCli(['dockerfile', f, '-f', 'json', '-o', out]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(JSON.parse(readFileSync(out, 'utf8')).findings.length > 0);
});

test('-o into a missing directory creates nothing and is a one-line error', async () => {
  const base = join(work, 'nonexistent');
  const r = await runCli(['dockerfile', join(FIXTURES, 'clean.Dockerfile'), '-o', join(base, 'dir', 'out.json')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^bulwark: cannot write the report to .*out\.json: directory .*nonexistent\/dir does not exist \(no directory is created\)\n$/);
  assert.equal(existsSync(base), false);
  const intoFile = await runCli(['dockerfile', join(FIXTURES, 'clean.Dockerfile'), '-o', join(FIXTURES, 'clean.Dockerfile', 'x')]);
  assert.equal(intoFile.code, 2);
  noStack(intoFile.stderr);
  const dir = join(work, 'adir');
  mkdirSync(dir);
  const isDir = await runCli(['dockerfile', join(FIXTURES, 'clean.Dockerfile'), '-o', dir]);
  assert.equal(isDir.code, 2);
  assert.match(isDir.stderr, /it is a directory/);
});

test('unreadable or unparseable input exits 2 whatever the severity filter and --exit-code', async () => {
  const bin = join(work, 'some-binary-file');
  writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0xff, 0xfe]));
  for (const extra of [[], ['-s', 'high'], ['--exit-code', '1', '-s', 'high'], ['-s', 'critical', '-f', 'json'], ['-f', 'sarif']]) {
    const r = await runCli(['dockerfile', bin, ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    noStack(r.stderr);
  }
  const j = await runCli(['dockerfile', bin, '-f', 'json', '-s', 'high']);
  const rep = JSON.parse(j.stdout) as Report;
  assert.equal(rep.errors?.[0]?.kind, 'input');
  assert.match(rep.errors![0]!.message, /binary content/);
  assert.match(j.stderr, /^error: .*some-binary-file: binary content/m);
  // a readable file next to it still gets linted, and the run still exits 2
  const both = await runCli(['dockerfile', join(FIXTURES, 'insecure.Dockerfile'), bin, '-f', 'json']);
  assert.equal(both.code, 2);
  assert.ok((JSON.parse(both.stdout) as Report).findings.some((f) => f.ruleId === 'BW-BUILD-001'));
});

test('a 52 MB Dockerfile is reported with its real size, without being read', async () => {
  const big = join(work, 'huge.Dockerfile');
  writeFileSync(big, 'FROM alpine\n');
  truncateSync(big, 52 * 1024 * 1024); // sparse: no disk used
  const r = await runCli(['dockerfile', big, '-f', 'json']);
  assert.equal(r.code, 2);
  const rep = JSON.parse(r.stdout) as Report;
  assert.deepEqual(rep.findings.map((f) => f.ruleId), ['BW-BUILD-000']);
  assert.match(rep.findings[0]!.message, /file is 54\.5 MB \(54525952 bytes\), over the 1048576-byte limit/);
  assert.doesNotMatch(r.stdout + r.stderr, /1048577 bytes/);
});

test('--exit-code outside 0-255 is a usage error', async () => {
  for (const v of ['256', '-1', '1000', 'x']) {
    const r = await runCli(['dockerfile', join(FIXTURES, 'insecure.Dockerfile'), '--exit-code', v]);
    assert.equal(r.code, 2, v);
    noStack(r.stderr);
  }
  assert.equal((await runCli(['dockerfile', join(FIXTURES, 'insecure.Dockerfile'), '--exit-code', '255', '-f', 'json'])).code, 255);
});

test('a check that throws is an error in the report, never a quiet "not evaluated", and fails --exit-code', async () => {
  const boom: HostRule = defineRule(
    { id: 'BW-DAEMON-999', title: 'test check that throws', severity: 'high', stage: 'daemon', rationale: 'a test', remediation: 'none', references: [], cis: { section: '2', ids: ['2.1'] } },
    () => {
      throw new Error("Cannot find module './data/escapes.json'");
    },
  );
  const ev = makeEvidence({});
  const { results, errors, findings } = runChecks(ev, 'daemon', [boom]);
  assert.equal(results[0]!.status, 'error');
  assert.deepEqual(errors, [{ kind: 'check', ruleId: 'BW-DAEMON-999', message: "check failed: Cannot find module './data/escapes.json'" }]);
  assert.equal(findings.length, 0);
  const report: Report = { tool: { name: 'bulwark', version: '0' }, targets: [{ type: 'daemon', name: 'x' }], findings, errors };
  const out = join(work, 'errors.json');
  // no finding at all, yet --exit-code fails the run; without --exit-code the error is still printed
  assert.equal(await emitReport(structuredClone(report), { format: 'json', output: out, exitCode: 5 }), 5);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).errors[0].ruleId, 'BW-DAEMON-999');
  const table = join(work, 'errors.txt');
  assert.equal(await emitReport(structuredClone(report), { format: 'table', output: table }), 0);
  assert.match(readFileSync(table, 'utf8'), /^error: BW-DAEMON-999: check failed/m);
});

test('image /dev/zero and image FIFO say what they are, not "a directory must be an OCI layout"', async () => {
  const fifo = join(work, 'fifo');
  execFileSync('mkfifo', [fifo]);
  for (const [ref, kind] of [
    ['/dev/zero', 'a device'],
    [fifo, 'a FIFO'],
  ]) {
    const r = await runCli(['image', ref!, '--no-vulns']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`cannot read image '.*': it is ${kind}; give a docker save tar`));
    assert.doesNotMatch(r.stderr, /a directory must be/);
  }
});
