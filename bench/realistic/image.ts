/**
 * The realistic bench image (built once by ./build.sh, cached under BULWARK_BENCH_DIR, default /var/tmp/bulwark-bench,
 * keyed by CONTENT_VERSION), shared by the benches that scan it (bench/image.ts, bench/secrets.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = process.env.BULWARK_BENCH_DIR ?? '/var/tmp/bulwark-bench';
/** bump when bench/realistic/ changes what the image holds: another value builds another image */
export const CONTENT_VERSION = '2';
export const IMAGE = `bulwark-bench/realistic:${CONTENT_VERSION}`;
export const IMAGE_DIR = join(BENCH_DIR, `realistic-${CONTENT_VERSION}`);

export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** One builder at a time (several benches may ask for the image at once): a lock directory, stale after 2 h. */
export async function withLock<T>(name: string, fn: () => T): Promise<T> {
  const lock = join(BENCH_DIR, `.${name}.lock`);
  mkdirSync(BENCH_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 2 * 3600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function haveImage(): boolean {
  return spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status === 0;
}

/** The image as a `docker save` tar and a gzip OCI layout (ref "bench"), built when absent. */
export function ensureImage(): { tar: string; oci: string } {
  const tar = join(IMAGE_DIR, 'image.tar');
  const oci = join(IMAGE_DIR, 'oci');
  if (existsSync(tar) && existsSync(join(oci, 'index.json')) && haveImage()) return { tar, oci };
  log(`building the realistic image ${IMAGE} under ${IMAGE_DIR} (once; about 20 minutes)...`);
  mkdirSync(IMAGE_DIR, { recursive: true });
  execFileSync('bash', [join(here, 'build.sh'), IMAGE_DIR, IMAGE], { stdio: ['ignore', 'inherit', 'inherit'] });
  return { tar, oci };
}
