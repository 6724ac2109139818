import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from './helpers.js';
import type { Report } from '../../src/core/report.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'build');
const REPO = join(import.meta.dirname, '..', '..');
let dir: string;

function noStack(s: string): void {
  assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `stack trace in output:\n${s}`);
  assert.ok(!s.includes('internal error'), s);
}

async function json(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await runCli([...args, '-f', 'json']);
  noStack(r.stderr);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-build-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('bulwark dockerfile', () => {
  it('reports the insecure example with hadolint/Trivy/CIS references', async () => {
    const { code, report } = await json(['dockerfile', join(FIXTURES, 'insecure.Dockerfile')]);
    assert.equal(code, 0);
    const ids = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ['BW-BUILD-001', 'BW-BUILD-004', 'BW-BUILD-005', 'BW-BUILD-007', 'BW-BUILD-011', 'BW-BUILD-015', 'BW-BUILD-022', 'BW-BUILD-023', 'BW-BUILD-067', 'BW-BUILD-069', 'BW-BUILD-071', 'BW-BUILD-073']) {
      assert.ok(ids.has(id), id);
    }
    const f = report.findings.find((x) => x.ruleId === 'BW-BUILD-001')!;
    assert.deepEqual(f.references.slice(0, 2), ['DL3007', 'DS001']);
    assert.equal(f.location.kind === 'file' && f.location.line, 2);
  });
  it('finds nothing in the clean example', async () => {
    const { report } = await json(['dockerfile', join(FIXTURES, 'clean.Dockerfile')]);
    assert.deepEqual(report.findings.map((f) => f.ruleId), []);
  });
  it('--exit-code and --severity gate CI', async () => {
    const file = join(FIXTURES, 'insecure.Dockerfile');
    assert.equal((await runCli(['dockerfile', file, '--exit-code', '4', '-f', 'json'])).code, 4);
    assert.equal((await runCli(['dockerfile', join(FIXTURES, 'clean.Dockerfile'), '--exit-code', '4', '-f', 'json'])).code, 0);
    const { report } = await json(['dockerfile', file, '--severity', 'critical']);
    assert.ok(report.findings.length > 0 && report.findings.every((x) => x.severity === 'critical'));
  });
  it('reads stdin with -', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "import { main } from './src/cli/main.js'; process.exitCode = await main(['node', 'bulwark', 'dockerfile', '-', '-f', 'json']);"], {
      cwd: REPO,
      input: 'FROM debian:latest\nRUN apk add git\n',
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.targets[0]!.name, '<stdin>');
    assert.ok(report.findings.some((f) => f.ruleId === 'BW-BUILD-001'));
  });
});

describe('bad input', () => {
  it('missing file: exit 2, clear message, no stack', async () => {
    const r = await runCli(['dockerfile', join(dir, 'nope')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such file/);
    noStack(r.stderr);
  });
  it('directory: exit 2', async () => {
    const r = await runCli(['dockerfile', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a directory/);
    noStack(r.stderr);
  });
  it('unreadable file: exit 2', { skip: process.getuid?.() === 0 ? 'running as root: permissions cannot deny a read' : false }, async () => {
    const p = join(dir, 'secret.Dockerfile');
    writeFileSync(p, 'FROM a:1\n');
    chmodSync(p, 0o000);
    const r = await runCli(['dockerfile', p]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /permission denied/);
    noStack(r.stderr);
  });
  it('a file that fails to read (EIO): exit 2 with the reason', { skip: process.platform !== 'linux' ? '/proc/self/mem exists on Linux only' : false }, async () => {
    // readable by stat, fails on read even for root: exercises the same path as a permission error
    const r = await runCli(['dockerfile', '/proc/self/mem']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read \/proc\/self\/mem/);
    noStack(r.stderr);
  });
  it('binary file: a parse-error finding, nothing else, and exit 2 (the input was not read as a Dockerfile)', async () => {
    const p = join(dir, 'bin.Dockerfile');
    writeFileSync(p, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0xff]));
    const { code, report } = await json(['dockerfile', p]);
    assert.equal(code, 2);
    assert.deepEqual(report.findings.map((f) => f.ruleId), ['BW-BUILD-000']);
    assert.match(report.findings[0]!.message, /binary/);
  });
  it('20 MB file: a parse-error finding naming the limit', async () => {
    const p = join(dir, 'huge.Dockerfile');
    writeFileSync(p, 'FROM a:1\n' + 'RUN echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n'.repeat(230_000));
    const { report } = await json(['dockerfile', p]);
    assert.deepEqual(report.findings.map((f) => f.ruleId), ['BW-BUILD-000']);
    assert.match(report.findings[0]!.message, /over the \d+-byte limit/);
  });
  it('unknown instruction: finding with its line, the rest still analysed', async () => {
    const p = join(dir, 'unknown.Dockerfile');
    writeFileSync(p, 'FROM debian:latest\nRUNN apt-get update\nUSER app\n');
    const { report } = await json(['dockerfile', p]);
    const pe = report.findings.find((f) => f.ruleId === 'BW-BUILD-000')!;
    assert.match(pe.message, /unknown instruction 'RUNN' at line 2/);
    assert.equal(pe.location.kind === 'file' && pe.location.line, 2);
    assert.ok(report.findings.some((f) => f.ruleId === 'BW-BUILD-001'));
  });
  it('unterminated heredoc: finding with its line', async () => {
    const p = join(dir, 'heredoc.Dockerfile');
    writeFileSync(p, 'FROM debian:12\nRUN <<EOF\napt-get update\n');
    const { report } = await json(['dockerfile', p]);
    const pe = report.findings.find((f) => f.ruleId === 'BW-BUILD-000')!;
    assert.match(pe.message, /heredoc <<EOF opened at line 2 is never terminated/);
  });
  it('invalid UTF-8: finding with its line, the rest still analysed', async () => {
    const p = join(dir, 'latin1.Dockerfile');
    writeFileSync(p, Buffer.concat([Buffer.from('FROM debian:latest\nLABEL author="Jos'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    const { report } = await json(['dockerfile', p]);
    const pe = report.findings.find((f) => f.ruleId === 'BW-BUILD-000')!;
    assert.match(pe.message, /invalid UTF-8 .*line 2/);
    assert.equal(pe.location.kind === 'file' && pe.location.line, 2);
    assert.ok(report.findings.some((f) => f.ruleId === 'BW-BUILD-001'));
  });
  it('empty file: a parse-error finding', async () => {
    const p = join(dir, 'empty.Dockerfile');
    writeFileSync(p, '');
    const { report } = await json(['dockerfile', p]);
    assert.deepEqual(report.findings.map((f) => f.ruleId), ['BW-BUILD-000']);
  });
  it('--dry-run without --fix is a usage error', async () => {
    const r = await runCli(['dockerfile', join(FIXTURES, 'clean.Dockerfile'), '--dry-run']);
    assert.equal(r.code, 2);
  });
});

describe('bulwark dockerfile --fix', () => {
  it('--dry-run prints a diff and leaves the file alone; --fix writes it; a second --fix changes nothing', async () => {
    const p = join(dir, 'Dockerfile.fix');
    copyFileSync(join(FIXTURES, 'fixable.Dockerfile'), p);
    const before = readFileSync(p, 'utf8');
    const dry = await runCli(['dockerfile', '--fix', '--dry-run', p]);
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /^-MAINTAINER Jane Doe/m);
    assert.match(dry.stdout, /^\+LABEL maintainer="Jane Doe <jane@example.com>"/m);
    assert.match(dry.stdout, /^\+RUN apk add --no-cache git=2.45.2-r0/m);
    assert.equal(readFileSync(p, 'utf8'), before);
    const real = await runCli(['dockerfile', '--fix', p]);
    assert.equal(real.stdout, dry.stdout);
    const after1 = readFileSync(p, 'utf8');
    assert.notEqual(after1, before);
    assert.match(after1, /apt-get install -y --no-install-recommends curl=7.88.1-10\+deb12u5 \\\n {6}ca-certificates=20230311 \\\n {4}&& rm -rf \/var\/lib\/apt\/lists\/\*/);
    const again = await runCli(['dockerfile', '--fix', p]);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /nothing to fix/);
    assert.equal(readFileSync(p, 'utf8'), after1);
  });
});

describe('bulwark scan', () => {
  let proj: string;
  before(() => {
    proj = join(dir, 'proj');
    const files: Record<string, string> = {
      'svc-a/Dockerfile': 'FROM alpine:3.20\nRUN apk add curl\n',
      'svc-b/api.Dockerfile': 'FROM node:20\nRUN npm install express\n',
      'svc-b/Containerfile': 'FROM scratch\nCOPY app /app\n',
      'Dockerfile.dev': 'FROM debian\n',
      'web.containerfile': 'FROM nginx:1.27\n',
      'ignored/Dockerfile': 'FROM debian\n',
      'svc-a/build/Dockerfile': 'FROM debian\n',
      'node_modules/pkg/Dockerfile': 'FROM debian\n',
      'Dockerfile.dockerignore': 'node_modules\n',
      'README.md': '# not a Dockerfile\n',
      '.gitignore': 'ignored/\n',
      'svc-a/.gitignore': 'build/\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(proj, rel, '..'), { recursive: true });
      writeFileSync(join(proj, rel), text);
    }
  });
  it('finds every Dockerfile/Containerfile, honours nested .gitignore, skips node_modules; paths relative to DIR', async () => {
    const { code, report } = await json(['scan', proj]);
    assert.equal(code, 0);
    const names = report.targets.filter((t) => t.type === 'dockerfile').map((t) => t.name).sort();
    assert.deepEqual(names, ['Dockerfile.dev', 'svc-a/Dockerfile', 'svc-b/Containerfile', 'svc-b/api.Dockerfile', 'web.containerfile']);
    const files = new Set(report.findings.map((f) => (f.location.kind === 'file' ? f.location.file : '')));
    assert.ok(files.has('svc-a/Dockerfile') && files.has('svc-b/api.Dockerfile'));
    assert.ok(report.findings.some((f) => f.ruleId === 'BW-BUILD-034' && f.location.kind === 'file' && f.location.file === 'svc-b/api.Dockerfile'));
  });
  it('writes SARIF', async () => {
    const r = await runCli(['scan', proj, '-f', 'sarif']);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: Array<{ results: unknown[] }> };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0]!.results.length > 0);
  });
  it('missing directory or a file argument: exit 2', async () => {
    const a = await runCli(['scan', join(dir, 'nope')]);
    assert.equal(a.code, 2);
    noStack(a.stderr);
    const b = await runCli(['scan', join(FIXTURES, 'clean.Dockerfile')]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /not a directory/);
  });
  it('reads build settings from .bulwark.yaml in the scanned directory', async () => {
    const p = join(dir, 'cfgproj');
    mkdirSync(p, { recursive: true });
    writeFileSync(join(p, 'Dockerfile'), 'FROM ghcr.io/x/y:1\n');
    writeFileSync(join(p, '.bulwark.yaml'), 'build:\n  allowedRegistries: [docker.io]\n');
    const { report } = await json(['scan', p]);
    assert.ok(report.findings.some((f) => f.ruleId === 'BW-BUILD-061'));
    writeFileSync(join(p, '.bulwark.yaml'), 'build:\n  allowedRegistrys: [docker.io]\n');
    const bad = await runCli(['scan', p]);
    assert.equal(bad.code, 2);
    noStack(bad.stderr);
  });
});
