/**
 * The workloads the profile proof runs on the real engine (test/profiles/engine.test.ts):
 *   bulwark-test/httpd:1          the Alpine test image plus the host's static busybox (busybox httpd)
 *   bulwark-test/bookworm-app:12  the Node.js (express) app of the shared test images
 *   bulwark-test/redis:7          Redis from Debian bookworm's packages (build-redis-image.sh)
 * and the confinement probe (profiles/probe.c), compiled with the host's gcc.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAlpineImage, ensureBookwormImages } from './images.js';
import { tempDir } from './tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
const LOCK = '/tmp/bulwark-test-images.lock';
export const HTTPD_IMAGE = 'bulwark-test/httpd:1';
export const REDIS_IMAGE = 'bulwark-test/redis:7';
export const EXERCISE = join(here, 'profiles', 'exercise.mjs');

const have = (image: string) => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;

/** busybox httpd: Alpine's busybox has no httpd applet, Debian's busybox-static has. Same build as test/runtime/harden.test.ts. */
export function ensureHttpdImage(): string {
  const base = ensureAlpineImage();
  if (have(HTTPD_IMAGE)) return HTTPD_IMAGE;
  const ctx = tempDir('bw-httpd-img-');
  const bb = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  writeFileSync(join(ctx, 'busybox'), readFileSync(bb), { mode: 0o755 });
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${base}\nCOPY busybox /usr/local/bin/busybox-full\n`);
  execFileSync('flock', [LOCK, 'docker', 'build', '-q', '-t', HTTPD_IMAGE, ctx], { stdio: 'ignore', timeout: 300_000 });
  return HTTPD_IMAGE;
}

export function ensureNodeImage(): string {
  return ensureBookwormImages().app;
}

export function ensureRedisImage(): string {
  execFileSync('flock', [LOCK, 'bash', join(here, 'build-redis-image.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 30 * 60_000 });
  return REDIS_IMAGE;
}

/** The probe, built static without libc; returns the directory holding `probe` (to bind-mount read-only). */
export function buildProbe(): string {
  const dir = tempDir('bw-probe-');
  // the workloads run as non-root users: the bind-mounted directory must be searchable by them
  chmodSync(dir, 0o755);
  execFileSync(
    'gcc',
    ['-static', '-nostdlib', '-ffreestanding', '-fno-builtin', '-fno-tree-loop-distribute-patterns', '-fno-stack-protector', '-O2', '-o', join(dir, 'probe'), join(here, 'profiles', 'probe.c')],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 },
  );
  return dir;
}

/** `NAME=ERRNO ...` → {NAME: errno} */
export function parseProbe(out: string): Record<string, number> {
  const r: Record<string, number> = {};
  for (const m of out.matchAll(/([a-z_]+)=(\d+)/g)) r[m[1]!] = Number(m[2]);
  return r;
}

export function haveTool(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
  return !r.error && r.status === 0;
}
