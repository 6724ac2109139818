/**
 * npm version order and ranges: node-semver (the implementation npm itself uses), wrapped so that the
 * choices are explicit.
 *
 * - compare(): semver precedence (build metadata ignored). Strict SemVer 2.0 first (a leading `v` or
 *   `=` is accepted, as npm does); when that fails the version is parsed in node-semver's loose mode
 *   (`1.2.3beta`, `=1.2.3`), because old packages in the registry carry such versions. Anything else
 *   throws VersionSyntaxError.
 * - valid(): strict SemVer only.
 * - satisfiesNpmRange(): node-semver range semantics. For vulnerability matching the default is
 *   `includePrerelease: true`: `1.0.0-beta.1` IS inside `<1.0.0` and inside `>=0.9.0 <1.0.1`; npm's
 *   install-time rule (a prerelease only matches a comparator on the same major.minor.patch) is meant to
 *   keep users off prereleases, not to decide whether a prerelease contains vulnerable code. Loose
 *   parsing of the range defaults to true (advisory ranges are often written loosely, e.g. `<= 1.2`).
 */
import { createRequire } from 'node:module';
import type SemVer from 'semver/classes/semver.js';
import type Range from 'semver/classes/range.js';
import type semverValidT from 'semver/functions/valid.js';
import type semverParseT from 'semver/functions/parse.js';
import type semverValidRangeT from 'semver/ranges/valid.js';
import { VersionSyntaxError } from './errors.js';

/**
 * The parts of node-semver used here, not its index (which loads every function and range helper: ~10 ms more),
 * loaded on first use: building its regular expressions takes ~10 ms, which a scan whose match is cached, or
 * that has no npm or cargo package, does not pay.
 */
const require = createRequire(import.meta.url);
interface SemverParts {
  SemVer: typeof SemVer;
  Range: typeof Range;
  valid: typeof semverValidT;
  parse: typeof semverParseT;
  validRange: typeof semverValidRangeT;
}
let parts: SemverParts | undefined;
function semver(): SemverParts {
  return (parts ??= {
    SemVer: require('semver/classes/semver.js') as typeof SemVer,
    Range: require('semver/classes/range.js') as typeof Range,
    valid: require('semver/functions/valid.js') as typeof semverValidT,
    parse: require('semver/functions/parse.js') as typeof semverParseT,
    validRange: require('semver/ranges/valid.js') as typeof semverValidRangeT,
  });
}

const parsed = new Map<string, SemVer>();

export function parseNpm(v: string): SemVer | null {
  const hit = parsed.get(v);
  if (hit) return hit;
  let p: SemVer | null = null;
  const { SemVer: S } = semver();
  try {
    p = new S(v.trim(), { loose: false });
  } catch {
    try {
      p = new S(v.trim(), { loose: true });
    } catch {
      p = null;
    }
  }
  if (p) {
    if (parsed.size > 50000) parsed.clear();
    parsed.set(v, p);
  }
  return p;
}

export function compareNpm(a: string, b: string): number {
  const pa = parseNpm(a);
  if (!pa) throw new VersionSyntaxError('npm', a, 'not a semver version');
  const pb = parseNpm(b);
  if (!pb) throw new VersionSyntaxError('npm', b, 'not a semver version');
  return pa.compare(pb);
}

export function validNpm(v: string): boolean {
  return semver().valid(v, { loose: false }) !== null;
}

export interface NpmRangeOptions {
  /** default true (see above) */
  includePrerelease?: boolean;
  /** default true */
  loose?: boolean;
}

/**
 * Is `version` inside the node-semver `range`? node-semver's satisfies() with our defaults: the version
 * is parsed with the same `loose` setting as the range, and a version or range that does not parse is
 * never inside (check validNpm / validNpmRange first to tell "outside" from "unreadable").
 */
export function satisfiesNpmRange(version: string, range: string, opts: NpmRangeOptions = {}): boolean {
  const o = { includePrerelease: opts.includePrerelease ?? true, loose: opts.loose ?? true };
  let r: Range;
  try {
    r = new (semver().Range)(range, o);
  } catch {
    return false;
  }
  return r.test(version);
}

export function validNpmRange(range: string, loose = true): boolean {
  return semver().validRange(range, { loose }) !== null;
}

/**
 * Cargo (crates.io) versions: SemVer 2.0 exactly as the semver crate reads them — strict syntax, no
 * leading "v" or "=", no loose forms; precedence as SemVer (build metadata ignored).
 */
export function compareCargo(a: string, b: string): number {
  const pa = semver().parse(a, { loose: false });
  if (!pa || /^[v=\s]/.test(a)) throw new VersionSyntaxError('cargo', a, 'not a SemVer 2.0 version');
  const pb = semver().parse(b, { loose: false });
  if (!pb || /^[v=\s]/.test(b)) throw new VersionSyntaxError('cargo', b, 'not a SemVer 2.0 version');
  return pa.compare(pb);
}

export function validCargo(v: string): boolean {
  return semver().parse(v, { loose: false }) !== null && !/^[v=\s]/.test(v);
}
