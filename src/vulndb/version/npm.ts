/**
 * npm version order and ranges: node-semver (the implementation npm itself uses), wrapped so that the
 * choices are explicit.
 *
 * - compare(): semver precedence (build metadata ignored). Strict SemVer 2.0 first (a leading `v` is
 *   accepted, as npm does); when that fails the version is parsed in node-semver's loose mode
 *   (`1.2.3beta`, `=1.2.3`), because old packages in the registry carry such versions. Anything else
 *   throws VersionSyntaxError. Strict versions are parsed and compared here, exactly as node-semver does
 *   (a property test holds the two together), so that a match of strict versions, nearly all of them, does
 *   not load node-semver (about 9 ms: 21 modules and the regular expressions they build).
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

/** What comparing needs of a version, as node-semver's SemVer holds it (a SemVer object is one). */
interface ParsedNpm {
  major: number;
  minor: number;
  patch: number;
  /** numeric identifiers below MAX_SAFE_INTEGER as numbers, the others as strings */
  prerelease: ReadonlyArray<string | number>;
}

/** node-semver's limits (internal/constants.js) */
const MAX_LENGTH = 256;
const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
/**
 * node-semver's strict form (`FULL`: an optional `v`, then SemVer 2.0). node-semver matches a bounded variant of it
 * (`\d{0,256}` for `\d*`, ...), the same language for the at most 256 characters it reads.
 */
const NUM = '0|[1-9]\\d*';
const PRE_ID = `\\d*[a-zA-Z-][a-zA-Z0-9-]*|${NUM}`;
const STRICT = new RegExp(`^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-((?:${PRE_ID})(?:\\.(?:${PRE_ID}))*))?(?:\\+([a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*))?$`);
const NUMERIC_ID = /^[0-9]+$/;

/**
 * A version in node-semver's strict form, parsed here as its SemVer constructor parses it (the same fields and the
 * same failures), so that strict versions, the commonest by far, need no node-semver: null when node-semver
 * rejects it in any mode (too long, a number past MAX_SAFE_INTEGER), undefined when it is not strict (node-semver
 * then tries its loose form).
 */
function parseStrict(v: string): ParsedNpm | null | undefined {
  if (v.length > MAX_LENGTH) return null;
  const m = STRICT.exec(v.trim());
  if (!m) return undefined;
  const major = +m[1]!;
  const minor = +m[2]!;
  const patch = +m[3]!;
  if (major > MAX_SAFE_INTEGER || minor > MAX_SAFE_INTEGER || patch > MAX_SAFE_INTEGER) return null;
  const prerelease: Array<string | number> = [];
  if (m[4]) {
    for (const id of m[4].split('.')) {
      const num = NUMERIC_ID.test(id) ? +id : -1;
      prerelease.push(num >= 0 && num < MAX_SAFE_INTEGER ? num : id);
    }
  }
  return { major, minor, patch, prerelease };
}

/** node-semver's compareIdentifiers (internal/identifiers.js) */
function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  const anum = NUMERIC_ID.test(String(a));
  const bnum = NUMERIC_ID.test(String(b));
  if (anum && bnum) {
    a = +a;
    b = +b;
  }
  return a === b ? 0 : anum && !bnum ? -1 : bnum && !anum ? 1 : a < b ? -1 : 1;
}

/** node-semver's SemVer.compare: compareMain, then comparePre (build metadata ignored) */
function compareParsed(x: ParsedNpm, y: ParsedNpm): number {
  if (x.major !== y.major) return x.major < y.major ? -1 : 1;
  if (x.minor !== y.minor) return x.minor < y.minor ? -1 : 1;
  if (x.patch !== y.patch) return x.patch < y.patch ? -1 : 1;
  const a = x.prerelease;
  const b = y.prerelease;
  if (a.length && !b.length) return -1;
  if (!a.length && b.length) return 1;
  for (let i = 0; ; i++) {
    const p = a[i];
    const q = b[i];
    if (p === undefined && q === undefined) return 0;
    if (q === undefined) return 1;
    if (p === undefined) return -1;
    if (p !== q) return compareIdentifiers(p, q);
  }
}

const parsed = new Map<string, ParsedNpm>();

export function parseNpm(v: string): ParsedNpm | null {
  const hit = parsed.get(v);
  if (hit) return hit;
  let p: ParsedNpm | null | undefined = parseStrict(v);
  if (p === undefined) {
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
  return compareParsed(pa, pb);
}

export function validNpm(v: string): boolean {
  // node-semver's valid(v) in strict mode: its SemVer constructor's strict parse
  return Boolean(parseStrict(v));
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
