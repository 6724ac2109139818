/**
 * Version order per ecosystem. Every matcher compares versions through `getComparator(ecosystem)`.
 *
 * Ecosystem names are purl types (deb, apk, rpm, npm, pypi, golang, maven, gem, cargo, composer); the
 * OSV ecosystem names are accepted too (Debian, Ubuntu, Alpine, npm, PyPI, Go, Maven, crates.io,
 * RubyGems, Packagist, Red Hat, Rocky Linux, AlmaLinux...), with or without a `:release` suffix
 * (`Debian:12`, `Alpine:v3.20`). Comparators exist for deb, apk, rpm, npm, pypi, golang, maven, gem,
 * cargo and composer; any other name gets UnsupportedEcosystemError from getComparator (undefined from
 * findComparator).
 *
 * Range helpers for the matcher: inRange (one OSV interval), affectedByEvents (an OSV event list),
 * satisfiesNpmRange (node-semver ranges, pre-releases included), satisfiesPep440 (PEP 440 specifier
 * sets). Each comparator's file documents the exact upstream rules it follows.
 */
import { compareDeb, validDeb } from './dpkg.js';
import { compareApk, validApk } from './apk.js';
import { compareCargo, compareNpm, validCargo, validNpm } from './npm.js';
import { comparePep440, validPep440 } from './pep440.js';
import { compareGem, validGem } from './gem.js';
import { compareComposer, validComposer } from './composer.js';
import { compareRpm, validRpm } from './rpm.js';
import { compareGo, validGo } from './golang.js';
import { compareMaven, validMaven } from './maven.js';

export { VersionSyntaxError } from './errors.js';

export interface VersionComparator {
  /** canonical ecosystem (purl type) */
  ecosystem: string;
  /** -1, 0 or 1. Throws VersionSyntaxError when a version cannot be compared at all. */
  compare(a: string, b: string): number;
  /** true when the version is well-formed for the ecosystem */
  valid(v: string): boolean;
}

export type CanonicalEcosystem = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'gem' | 'cargo' | 'composer';

const comparators = new Map<CanonicalEcosystem, VersionComparator>();

function register(ecosystem: CanonicalEcosystem, compare: (a: string, b: string) => number, valid: (v: string) => boolean): void {
  comparators.set(ecosystem, { ecosystem, compare, valid });
}

register('deb', compareDeb, validDeb);
register('apk', compareApk, validApk);
register('npm', compareNpm, validNpm);
register('rpm', compareRpm, validRpm);
register('golang', compareGo, validGo);
register('maven', compareMaven, validMaven);
register('pypi', comparePep440, validPep440);
register('cargo', compareCargo, validCargo);
register('gem', compareGem, validGem);
register('composer', compareComposer, validComposer);

const ALIASES: Record<string, CanonicalEcosystem> = {
  deb: 'deb',
  debian: 'deb',
  ubuntu: 'deb',
  dpkg: 'deb',
  apk: 'apk',
  alpine: 'apk',
  wolfi: 'apk',
  chainguard: 'apk',
  rpm: 'rpm',
  'red hat': 'rpm',
  redhat: 'rpm',
  rhel: 'rpm',
  'rocky linux': 'rpm',
  rocky: 'rpm',
  almalinux: 'rpm',
  alma: 'rpm',
  centos: 'rpm',
  fedora: 'rpm',
  'oracle linux': 'rpm',
  amazon: 'rpm',
  'amazon linux': 'rpm',
  opensuse: 'rpm',
  suse: 'rpm',
  'suse linux enterprise': 'rpm',
  mageia: 'rpm',
  npm: 'npm',
  node: 'npm',
  pypi: 'pypi',
  python: 'pypi',
  pip: 'pypi',
  golang: 'golang',
  go: 'golang',
  maven: 'maven',
  'crates.io': 'cargo',
  cargo: 'cargo',
  rubygems: 'gem',
  gem: 'gem',
  packagist: 'composer',
  composer: 'composer',
};

/** Maps a purl type or OSV ecosystem name (optionally `Name:release`) to the canonical ecosystem, or undefined. */
export function canonicalEcosystem(name: string): CanonicalEcosystem | undefined {
  const lower = name.trim().toLowerCase();
  const direct = ALIASES[lower];
  if (direct) return direct;
  const colon = lower.indexOf(':');
  if (colon > 0) return ALIASES[lower.slice(0, colon)];
  return undefined;
}

export class UnsupportedEcosystemError extends Error {
  constructor(public readonly ecosystemName: string) {
    super(`no version order for ecosystem '${ecosystemName}'`);
    this.name = 'UnsupportedEcosystemError';
  }
}

/** The comparator for an ecosystem; throws UnsupportedEcosystemError for an unknown one. */
export function getComparator(ecosystem: string): VersionComparator {
  const c = findComparator(ecosystem);
  if (!c) throw new UnsupportedEcosystemError(ecosystem);
  return c;
}

/** Like getComparator, but undefined for an unknown ecosystem. */
export function findComparator(ecosystem: string): VersionComparator | undefined {
  const canon = canonicalEcosystem(ecosystem);
  return canon ? comparators.get(canon) : undefined;
}

/** Canonical ecosystems that have a comparator. */
export function supportedEcosystems(): CanonicalEcosystem[] {
  return [...comparators.keys()];
}

export { inRange, affectedByEvents, type OsvRangeEvents, type OsvEvent } from './range.js';
export { satisfiesNpmRange, validNpmRange, type NpmRangeOptions } from './npm.js';
export { satisfiesPep440, parsePep440Specifier, specifierContains, normalizePep440, InvalidSpecifierError } from './pep440.js';

/**
 * An advisory's explicit list of affected versions, put in the order `listedIn` searches: the versions the
 * comparator accepts, sorted by it, then the others in their given order. Done once when a feed is imported.
 */
export function sortVersionList(cmp: VersionComparator | undefined, list: string[]): { list: string[]; valid: number } {
  if (!cmp) return { list, valid: 0 };
  const valid: string[] = [];
  const other: string[] = [];
  for (const v of list) (cmp.valid(v) ? valid : other).push(v);
  try {
    valid.sort((a, b) => cmp.compare(a, b));
  } catch {
    return { list, valid: 0 }; // a comparator that cannot order its own valid versions: keep the list as given (searched linearly)
  }
  return { list: valid.concat(other), valid: valid.length };
}

/**
 * Is `v` one of the listed versions, by the ecosystem's equality ("1.0" is "1.0.0" in PEP 440)? The list
 * comes from `sortVersionList`: an exact string match, else a binary search of its sorted valid part, so a
 * long list (PyPI advisories list every affected release) costs a few comparisons, not one per entry.
 * A list that is not in that order, or an installed version the comparator rejects, is searched linearly.
 */
export function listedIn(cmp: VersionComparator, sorted: readonly string[], v: string): boolean {
  if (sorted.includes(v)) return true;
  if (!sorted.length) return false;
  if (!cmp.valid(v)) return linear(cmp, sorted, v);
  // the valid part is a prefix: find its end
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp.valid(sorted[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  const n = lo;
  for (let i = n; i < sorted.length; i++) if (cmp.valid(sorted[i]!)) return linear(cmp, sorted, v); // not in listedIn order
  if (n > 1 && cmp.compare(sorted[0]!, sorted[n - 1]!) > 0) return linear(cmp, sorted, v);
  lo = 0;
  hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = cmp.compare(sorted[mid]!, v);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function linear(cmp: VersionComparator, list: readonly string[], v: string): boolean {
  for (const x of list) if (x === v || (cmp.valid(x) && cmp.compare(x, v) === 0)) return true;
  return false;
}
