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
