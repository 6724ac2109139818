/**
 * RubyGems version order: Gem::Version (rubygems/version.rb), RubyGems 3.x semantics.
 *
 * A version is `N(.X)*` optionally followed by `-prerelease`; a `-` is read as `.pre.`. Segments are the
 * runs of digits (numbers) and of letters (strings); a version with a string segment is a pre-release.
 * Comparison works on the canonical segments: trailing zeros are dropped from the numeric part and
 * from the part after the first string, then segments compare pairwise (missing = 0); a string sorts
 * below a number, strings compare lexically (case-sensitive), numbers numerically.
 * Blank versions are "0", as in RubyGems.
 */
import { VersionSyntaxError } from './errors.js';

const ANCHORED = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$/;

type Seg = string | bigint;

function segmentsOf(v: string): Seg[] {
  const norm = v.trim() === '' ? '0' : v.trim().replace(/-/g, '.pre.');
  return (norm.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (/^[0-9]+$/.test(s) ? BigInt(s) : s));
}

/** Gem::Version#canonical_segments */
export function canonicalGemSegments(v: string): Seg[] {
  const segs = segmentsOf(v);
  const firstString = segs.findIndex((s) => typeof s === 'string');
  const numeric = firstString < 0 ? segs : segs.slice(0, firstString);
  const rest = firstString < 0 ? [] : segs.slice(firstString);
  const trim = (a: Seg[]) => {
    let n = a.length;
    while (n > 0 && a[n - 1] === 0n) n--;
    return a.slice(0, n);
  };
  return [...trim(numeric), ...trim(rest)];
}

export function validGem(v: string): boolean {
  return ANCHORED.test(v);
}

export function isPrereleaseGem(v: string): boolean {
  return /[a-zA-Z]/.test(v.replace(/-/g, '.pre.'));
}

export function compareGem(a: string, b: string): number {
  if (!validGem(a)) throw new VersionSyntaxError('gem', a, 'Malformed version number string');
  if (!validGem(b)) throw new VersionSyntaxError('gem', b, 'Malformed version number string');
  const l = canonicalGemSegments(a);
  const r = canonicalGemSegments(b);
  const n = Math.max(l.length, r.length);
  for (let i = 0; i < n; i++) {
    const x = l[i] ?? 0n;
    const y = r[i] ?? 0n;
    if (x === y) continue;
    if (typeof x === 'string' && typeof y !== 'string') return -1;
    if (typeof x !== 'string' && typeof y === 'string') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
