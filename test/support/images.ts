/**
 * Shared test images on the real Docker engine, built once per machine (see build-images.sh).
 * Concurrent test files and processes serialise on a lock file through flock(1).
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'build-images.sh');
const LOCK = '/tmp/bulwark-test-images.lock';

export const ALPINE_IMAGE = 'bulwark-test/alpine:3.20.3';
export const ALPINE_OLD_IMAGE = 'bulwark-test/alpine:3.11.13';
export const BOOKWORM_BASE_IMAGE = 'bulwark-test/bookworm-base:12';
export const BOOKWORM_APP_IMAGE = 'bulwark-test/bookworm-app:12';

function build(which: 'alpine' | 'bookworm'): void {
  execFileSync('flock', [LOCK, 'bash', script, which], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 30 * 60_000 });
}

/** bulwark-test/alpine:3.20.3 (and :3.11.13), docker-imported from ../shared/data/rootfs. */
export function ensureAlpineImage(): string {
  build('alpine');
  return ALPINE_IMAGE;
}

/** The debootstrap bookworm base and the app image built on it. */
export function ensureBookwormImages(): { base: string; app: string } {
  build('bookworm');
  return { base: BOOKWORM_BASE_IMAGE, app: BOOKWORM_APP_IMAGE };
}

/** True when a Docker engine answers on the default socket / DOCKER_HOST. */
export function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
