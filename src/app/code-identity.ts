/**
 * The identity of the code that produced a result: a digest of every source and data file (and the lockfile,
 * which pins the parsers the detectors use). What the image result cache keys on, so that a cached result is never
 * served by a Bulwark whose detectors, rules or data differ in any way, version bump or not.
 *
 * The build computes it once (scripts/postbuild.mjs writes dist/build-id.json); running from src/ (tsx, tests), or
 * from a dist/ without that file, it is computed here from the tree beside this module, once per process.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOL_VERSION } from '../core/version.js';

const here = dirname(fileURLToPath(import.meta.url));
/** src/ or dist/: the tree this module was loaded from */
const tree = join(here, '..');

/** sha256 over every file under `dir` (relative path and content, in sorted order) and the lockfile beside it. */
export function treeDigest(dir: string, lockfile?: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== 'build-id.json') {
        h.update(`${relative(dir, p)}\0`);
        h.update(readFileSync(p));
        h.update('\0');
      }
    }
  };
  walk(dir);
  if (lockfile) {
    try {
      h.update(readFileSync(lockfile));
    } catch {
      /* no lockfile (an installed package): the tree alone */
    }
  }
  return h.digest('hex');
}

let memo: string | undefined;

/** The code identity of this Bulwark: the build's id, else the digest of the tree it runs from. */
export function codeIdentity(): string {
  if (memo) return memo;
  try {
    const doc = JSON.parse(readFileSync(join(tree, 'build-id.json'), 'utf8')) as { version?: string; id?: string };
    if (doc.version === TOOL_VERSION && typeof doc.id === 'string' && doc.id) return (memo = `${TOOL_VERSION}:${doc.id}`);
  } catch {
    /* not built: digest the tree */
  }
  return (memo = `${TOOL_VERSION}:${treeDigest(tree, join(tree, '..', 'package-lock.json'))}`);
}
