/**
 * The process entry (src/cli/bin.ts, what bin/bulwark.js runs): closed and full stdout, signals, endless stdin.
 * These need a real child process; each ends in bounded time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/tmp.js';

const REPO = join(import.meta.dirname, '..', '..');
const BIN = join(REPO, 'src', 'cli', 'bin.ts');
const work = tempDir('bulwark-process-');

function noStack(s: string): void {
  assert.doesNotMatch(s, /\n\s+at .+:\d+:\d+/, `stack trace in:\n${s}`);
  assert.doesNotMatch(s, /internal error|Error: write|ERR_/, s);
}

function run(args: string[], opts: { stdin?: number | 'pipe' | 'ignore'; stdout?: number | 'pipe'; input?: string } = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
    input: opts.input,
    stdio: [opts.input !== undefined ? 'pipe' : (opts.stdin ?? 'ignore'), opts.stdout ?? 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
}

test('a reader that closes stdout early ends bulwark quietly with the exit code it decided (EPIPE)', async () => {
  for (const args of [['rules'], ['rules', '-f', 'json'], ['dockerfile', join(REPO, 'test', 'fixtures', 'build', 'insecure.Dockerfile'), '-f', 'sarif', '--exit-code', '7']]) {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // like `| head -c 1`: read one chunk, then close the pipe
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    assert.equal(err, '', `stderr after a closed stdout: ${err}`);
    assert.equal(code, args.includes('--exit-code') ? 7 : 0);
  }
});

test('a full stdout (ENOSPC) and -o /dev/full, -o /proc/version: one-line errors, exit 2', () => {
  const full = openSync('/dev/full', 'w');
  try {
    const r = run(['rules'], { stdout: full });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^bulwark: cannot write to standard output: no space left on device \(ENOSPC\)\n$/);
  } finally {
    closeSync(full);
  }
  const file = join(REPO, 'test', 'fixtures', 'build', 'insecure.Dockerfile');
  const a = run(['dockerfile', file, '-o', '/dev/full']);
  assert.equal(a.status, 2);
  assert.match(a.stderr, /^bulwark: cannot write the report to \/dev\/full: no space left on device \(ENOSPC\)\n$/);
  const b = run(['dockerfile', file, '-o', '/proc/version']);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /^bulwark: cannot write the report to \/proc\/version: .*\((EIO|EACCES|EPERM)\)\n$/);
  noStack(a.stderr + b.stderr);
});

/**
 * Waits until bulwark has installed its signal handlers (SigCgt in /proc/PID/status). SIGHUP is the one to watch:
 * tsx catches SIGINT and SIGTERM itself from the start, bulwark installs SIGHUP's handler after those two.
 */
async function handlersInstalled(pid: number): Promise<void> {
  const want = (1n << 0n) | (1n << 1n) | (1n << 14n); // SIGHUP = 1, SIGINT = 2, SIGTERM = 15: bit (n - 1)
  for (let i = 0; i < 600; i++) {
    try {
      const m = /SigCgt:\s*([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m && (BigInt(`0x${m[1]}`) & want) === want) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('signal handlers never installed');
}

for (const [sig, code, word] of [
  ['SIGINT', 130, 'interrupted'],
  ['SIGTERM', 143, 'terminated'],
] as const) {
  test(`${sig} ends a running command with a message and exit ${code}`, { skip: process.platform !== 'linux' }, async () => {
    // `dockerfile -` waits on a stdin that never ends: a command in the middle of its work
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'dockerfile', '-'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const closed = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    await handlersInstalled(child.pid!);
    child.stdin.write('FROM alpine:3.20\n');
    child.kill(sig);
    const c = await closed;
    assert.equal(c, code);
    assert.equal(err, `bulwark: ${word} (${sig})\n`);
  });
}

test('dockerfile - < /dev/zero stops reading at the size limit: exit 2 in bounded time and memory', () => {
  const zero = openSync('/dev/zero', 'r');
  try {
    const t = Date.now();
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, '--import', 'tsx', BIN, 'dockerfile', '-', '-f', 'json', '-s', 'critical'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
      stdio: [zero, 'pipe', 'pipe'],
    });
    assert.ok(Date.now() - t < 60_000);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /<stdin>: file is more than 1048576 bytes, over the 1048576-byte limit/);
    const rss = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1]);
    assert.ok(rss > 0 && rss < 400 * 1024, `peak RSS ${rss} kB`);
    const report = JSON.parse(r.stdout) as { errors: Array<{ kind: string }> };
    assert.equal(report.errors[0]!.kind, 'input');
  } finally {
    closeSync(zero);
  }
});

test('a Dockerfile on stdin from a large file is reported with its real size', () => {
  const big = join(work, 'big-stdin');
  writeFileSync(big, Buffer.alloc(3_000_000, 0x41));
  const fd = openSync(big, 'r');
  try {
    const r = run(['dockerfile', '-'], { stdin: fd });
    assert.equal(r.status, 2);
    assert.match(r.stdout, /file is 3\.0 MB \(3000000 bytes\), over the 1048576-byte limit/);
  } finally {
    closeSync(fd);
  }
});

test('the plain `bulwark rules` is answered before commander loads, with the command\'s output; options and BULWARK_* variables take the command', async () => {
  const { runCli } = await import('../support/cli.js');
  const hooks = join(work, 'hooks.mjs');
  // written to fd 2 at once from the loader's thread: its process.stderr is forwarded through the main thread,
  // and what is still in flight when the process ends is lost (the last modules resolved, such as the renderer)
  writeFileSync(hooks, `import { writeSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, 'ESM ' + r.url + '\\n'); return r; }\n`);
  const reg = join(work, 'register.mjs');
  writeFileSync(reg, `import { register } from 'node:module'; register(${JSON.stringify('file://' + hooks)});\n`);
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BULWARK_')) env[k] = v;
  const spawnRules = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--import', reg, BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000, env: { ...env, ...extra } });
  const loadsCommander = (stderr: string) => stderr.split('\n').some((l) => l.startsWith('ESM ') && l.includes('/node_modules/commander/'));

  const plain = spawnRules(['rules']);
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(loadsCommander(plain.stderr), false, 'commander loaded for the plain listing');
  const inProcess = await runCli(['rules']);
  assert.equal(plain.stdout, inProcess.stdout);
  assert.match(plain.stdout, /^BW-\S+ +(critical|high|medium|low|info) /);
  assert.match(plain.stdout, /\n\d+ rules \(critical: \d+, high: \d+/);

  const staged = spawnRules(['rules', '--stage', 'build']);
  assert.equal(staged.status, 0, staged.stderr);
  assert.equal(loadsCommander(staged.stderr), true);
  assert.ok(staged.stdout.split('\n').filter((l) => l.startsWith('BW-') || l.startsWith('DL')).every((l) => / build /.test(l)));

  const viaEnv = spawnRules(['rules'], { BULWARK_FORMAT: 'json' });
  assert.equal(viaEnv.status, 0, viaEnv.stderr);
  assert.ok(Array.isArray(JSON.parse(viaEnv.stdout)), 'BULWARK_FORMAT=json is honoured');
});

