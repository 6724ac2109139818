/**
 * Debian version order, as dpkg implements it (lib/dpkg/version.c, lib/dpkg/parsehelp.c).
 *
 * A version is `[epoch:]upstream[-revision]`:
 * - epoch: the digits before the FIRST colon (default 0), compared numerically;
 * - revision: everything after the LAST hyphen (default ""), upstream is what is in between;
 * - upstream and revision are compared with `verrevcmp`: alternating runs of non-digits and digits.
 *   Non-digit runs are compared character by character where `~` sorts before everything (even the
 *   end of the string), the end of the string next, then letters (ASCII order), then every other
 *   character (ASCII order, after all letters). Digit runs compare numerically (leading zeros ignored).
 *
 * Parsing follows dpkg's `parseversion`: errors (dpkg refuses to compare; we throw) are an empty version,
 * embedded blanks, an empty / non-numeric / negative / too big epoch, nothing after the epoch colon and
 * an empty upstream version. Warnings (dpkg still compares; `valid()` says false) are an upstream
 * version that does not start with a digit, characters outside the allowed sets, and an empty revision
 * after a trailing hyphen (an error in dpkg 1.21, accepted by other releases: we compare it as none).
 */

import { VersionSyntaxError } from './errors.js';

export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

export interface DebParse {
  version?: DebVersion;
  /** fatal: dpkg refuses to compare */
  error?: string;
  /** dpkg compares but reports bad syntax */
  warning?: string;
}

const INT_MAX = 2147483647;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const isBlank = (c: number) => c === 32 || c === 9;

export function parseDebVersion(input: string): DebParse {
  // dpkg trims leading and trailing blanks (space, tab); blanks inside are an error
  let start = 0;
  let end = input.length;
  while (start < end && isBlank(input.charCodeAt(start))) start++;
  while (end > start && isBlank(input.charCodeAt(end - 1))) end--;
  const s = start === 0 && end === input.length ? input : input.slice(start, end);
  if (s.length === 0) return { error: 'version string is empty' };
  for (let i = 0; i < s.length; i++) if (isBlank(s.charCodeAt(i))) return { error: 'version string has embedded spaces' };

  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    // strtol(): optional sign then digits; it must stop exactly at the colon
    let k = s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? 1 : 0;
    const digitsFrom = k;
    while (k < s.length && isDigit(s.charCodeAt(k))) k++;
    if (k === digitsFrom) return { error: 'epoch in version is empty' };
    if (k !== colon) return { error: 'epoch in version is not number' };
    const n = Number(s.slice(0, k));
    if (n < 0) return { error: 'epoch in version is negative' };
    if (n > INT_MAX) return { error: 'epoch in version is too big' };
    epoch = n === 0 ? 0 : n; // no -0
    rest = s.slice(colon + 1);
    if (rest.length === 0) return { error: 'nothing after colon in version number' };
  }
  const hyphen = rest.lastIndexOf('-');
  let upstream = rest;
  let revision = '';
  let emptyRevision = false;
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    emptyRevision = revision.length === 0;
  }
  if (upstream.length === 0) return { error: 'version number is empty' };

  const version = { epoch, upstream, revision };
  // dpkg 1.21 (bookworm) rejects "1.0-" ("revision number is empty"); the libdpkg test suite of other
  // releases accepts it. We compare it as "no revision" and report it as not valid.
  if (emptyRevision) return { version, warning: 'revision number is empty' };
  if (!isDigit(upstream.charCodeAt(0))) return { version, warning: 'version number does not start with digit' };
  for (let i = 0; i < upstream.length; i++) {
    const c = upstream.charCodeAt(i);
    if (!(isDigit(c) || isAlpha(c) || c === 46 || c === 45 || c === 43 || c === 126 || c === 58)) {
      return { version, warning: 'invalid character in version number' };
    }
  }
  for (let i = 0; i < revision.length; i++) {
    const c = revision.charCodeAt(i);
    if (!(isDigit(c) || isAlpha(c) || c === 46 || c === 43 || c === 126)) {
      return { version, warning: 'invalid character in revision number' };
    }
  }
  return { version };
}

/** dpkg's order(): weight of one character in a non-digit run (0 = end of string or digit). */
function order(c: number): number {
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126 /* ~ */) return -1;
  if (c) return c + 256;
  return 0;
}

/** dpkg's verrevcmp on two upstream or revision strings; returns <0, 0, >0. */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const la = a.length;
  const lb = b.length;
  const at = (s: string, k: number, l: number) => (k < l ? s.charCodeAt(k) : 0);
  while (i < la || j < lb) {
    let firstDiff = 0;
    while ((i < la && !isDigit(a.charCodeAt(i))) || (j < lb && !isDigit(b.charCodeAt(j)))) {
      const ac = order(at(a, i, la));
      const bc = order(at(b, j, lb));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (i < la && a.charCodeAt(i) === 48) i++;
    while (j < lb && b.charCodeAt(j) === 48) j++;
    while (i < la && j < lb && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < la && isDigit(a.charCodeAt(i))) return 1;
    if (j < lb && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export function compareDebVersions(a: DebVersion, b: DebVersion): number {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? 1 : -1;
  const u = verrevcmp(a.upstream, b.upstream);
  if (u) return u > 0 ? 1 : -1;
  const r = verrevcmp(a.revision, b.revision);
  return r > 0 ? 1 : r < 0 ? -1 : 0;
}


const cache = new Map<string, DebVersion>();

function parseOrThrow(v: string): DebVersion {
  const hit = cache.get(v);
  if (hit) return hit;
  const p = parseDebVersion(v);
  if (!p.version) throw new VersionSyntaxError('deb', v, p.error!);
  if (cache.size > 50000) cache.clear();
  cache.set(v, p.version);
  return p.version;
}

/** Compares two Debian versions like `dpkg --compare-versions` (warnings tolerated, errors thrown). */
export function compareDeb(a: string, b: string): number {
  return compareDebVersions(parseOrThrow(a), parseOrThrow(b));
}

/** A syntactically correct Debian version (no dpkg error and no dpkg warning). */
export function validDeb(v: string): boolean {
  const p = parseDebVersion(v);
  return !!p.version && !p.warning;
}
