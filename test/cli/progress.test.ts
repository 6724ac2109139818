/**
 * Progress on a real pseudo-terminal (script(1) from util-linux): every update carries the image's total, the value
 * never goes back, the first update comes within a second of the work starting (the line carries the seconds since
 * then); and no escape sequence at all when stdout or stderr is not a terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/image/alpine-minirootfs-3.20.3-subset.tar.gz', import.meta.url));
const CLI = `${JSON.stringify(process.execPath)} --import tsx src/cli/bin.ts`;
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const UNITS: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const bytes = (n: string, u: string) => Number(n) * UNITS[u]!;
const FRAME = /\r\x1b\[K(\d+(?:\.\d+)?) (B|kB|MB|GB|TB)(?: \/ (\d+(?:\.\d+)?) (B|kB|MB|GB|TB) \((\d+)%\))?  layer (\d+)\/(\d+)(?: \(cached\))?  (\d+\.\d)s/g;

/** Run a shell command line under a pseudo-terminal; what the terminal showed. */
function onTerminal(cmd: string): string {
  const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, TERM: 'xterm' } });
  assert.equal(r.status, 0, `${cmd}: ${r.stdout.slice(-500)} ${r.stderr}`);
  return r.stdout;
}

function frames(out: string) {
  return [...out.matchAll(FRAME)].map((m) => ({ done: bytes(m[1]!, m[2]!), total: m[3] ? bytes(m[3], m[4]!) : undefined, pct: m[5] ? Number(m[5]) : undefined, secs: Number(m[8]) }));
}

function checkFrames(out: string, what: string): void {
  const fs = frames(out);
  assert.ok(fs.length >= 2, `${what}: at least the first and the last update: ${JSON.stringify(out.slice(0, 400))}`);
  for (const f of fs) assert.ok(f.total !== undefined && f.total >= f.done, `${what}: every update has a total: ${JSON.stringify(f)}`);
  for (let i = 1; i < fs.length; i++) {
    assert.ok(fs[i]!.done >= fs[i - 1]!.done, `${what}: never backwards: ${JSON.stringify(fs)}`);
    assert.ok(fs[i]!.pct! >= fs[i - 1]!.pct!, `${what}: percentage never backwards: ${JSON.stringify(fs)}`);
  }
  assert.ok(fs[0]!.secs < 1, `${what}: first update after ${fs[0]!.secs} s`);
  assert.equal(fs.at(-1)!.pct, 100, `${what}: ends at 100%`);
}

test('progress on a terminal: a total on every update, monotonic, first update within 1 s', { skip: !hasScript && 'no script(1)' }, () => {
  // a local file (the total from the blob's size)
  checkFrames(onTerminal(`${CLI} image rootfs:${FIXTURE} --no-vulns --no-cache -f json -o /dev/null`), 'rootfs');
});

test('progress of docker: takes its total from the image layer sizes', { skip: (!hasScript && 'no script(1)') || (!dockerAvailable() && 'no Docker engine') }, () => {
  const image = ensureAlpineImage();
  checkFrames(onTerminal(`${CLI} image docker:${image} --no-vulns --no-cache -f json -o /dev/null`), 'docker:');
});

test('no progress escape sequences when stdout or stderr is not a terminal', { skip: !hasScript && 'no script(1)' }, () => {
  const cmd = `${CLI} image rootfs:${FIXTURE} --no-vulns --no-cache -f json`;
  // both piped
  const piped = spawnSync('sh', ['-c', cmd], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(piped.status, 0, piped.stderr);
  assert.ok(!/\x1b\[/.test(piped.stdout + piped.stderr), 'no escape sequence when piped');
  // stderr a terminal, stdout a pipe
  const toPipe = onTerminal(`${cmd} | cat`);
  assert.ok(!toPipe.includes('\x1b[K'), 'stdout piped: no progress on the terminal');
  assert.match(toPipe, /"findings"/);
  // stdout a terminal, stderr a pipe (to a file)
  const toFile = onTerminal(`${cmd} -o /dev/null 2>&1 >/dev/tty | cat`);
  assert.ok(!toFile.includes('\x1b[K'), 'stderr piped: no progress');
  // and --no-progress on a terminal
  assert.ok(!onTerminal(`${cmd} -o /dev/null --no-progress`).includes('\x1b[K'));
});
