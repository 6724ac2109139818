/**
 * RPM version order: rpmvercmp() of rpm (lib/rpmvercmp.c) and the EVR comparison of rpmverCmp().
 *
 * rpmvercmp walks both strings segment by segment. Separators are every character that is not an ASCII
 * letter or digit, except `~` and `^`, and are skipped (their kind and length do not matter). Then:
 * - `~` sorts before anything, even the end of the string (`1.0~rc1 < 1.0`);
 * - `^` sorts after the end of the string but before anything else (`1.0 < 1.0^git1 < 1.0.1`);
 * - a segment is a run of digits or a run of letters; digits beat letters; numbers compare by value
 *   (leading zeros dropped, then length, then digits), letters with strcmp;
 * - when all segments agree, the string with something left over is newer.
 *
 * EVR: `[epoch:]version[-release]` (epoch = the leading digits before a colon; release = after the last
 * hyphen). Epochs compare numerically (missing = 0), then versions, then releases, a missing release
 * comparing as the empty string (below any release) — what rpm's own `rpm.vercmp()` (and
 * `rpmdev-vercmp`) answer, checked against rpm 4.18 in the oracle test.
 */

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number) => isDigit(c) || isAlpha(c);
const TILDE = 126;
const CARET = 94;

/** rpmvercmp(a, b): -1, 0 or 1 */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const la = a.length;
  const lb = b.length;
  const ca = (k: number) => (k < la ? a.charCodeAt(k) : 0);
  const cb = (k: number) => (k < lb ? b.charCodeAt(k) : 0);
  while (i < la || j < lb) {
    while (i < la && !isAlnum(ca(i)) && ca(i) !== TILDE && ca(i) !== CARET) i++;
    while (j < lb && !isAlnum(cb(j)) && cb(j) !== TILDE && cb(j) !== CARET) j++;

    if (ca(i) === TILDE || cb(j) === TILDE) {
      if (ca(i) !== TILDE) return 1;
      if (cb(j) !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca(i) === CARET || cb(j) === CARET) {
      if (i >= la) return -1;
      if (j >= lb) return 1;
      if (ca(i) !== CARET) return 1;
      if (cb(j) !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < la && j < lb)) break;

    let ei = i;
    let ej = j;
    const isNum = isDigit(ca(i));
    if (isNum) {
      while (ei < la && isDigit(ca(ei))) ei++;
      while (ej < lb && isDigit(cb(ej))) ej++;
    } else {
      while (ei < la && isAlpha(ca(ei))) ei++;
      while (ej < lb && isAlpha(cb(ej))) ej++;
    }
    // b's segment is of the other type (empty): numbers are newer than letters
    if (ej === j) return isNum ? 1 : -1;

    let si = i;
    let sj = j;
    if (isNum) {
      while (si < ei && ca(si) === 48) si++;
      while (sj < ej && cb(sj) === 48) sj++;
      const l1 = ei - si;
      const l2 = ej - sj;
      if (l1 > l2) return 1;
      if (l2 > l1) return -1;
    }
    // strcmp of the two segments (equal lengths for numbers by now)
    const l1 = ei - si;
    const l2 = ej - sj;
    const n = Math.min(l1, l2);
    for (let k = 0; k < n; k++) {
      const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
      if (d) return d < 0 ? -1 : 1;
    }
    if (l1 !== l2) return l1 < l2 ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= la && j >= lb) return 0;
  return i >= la ? -1 : 1;
}

export interface Evr {
  epoch?: string;
  version: string;
  release?: string;
}

/** rpm's EVR split: epoch = leading digits followed by ':', release = after the last '-'. */
export function parseEvr(evr: string): Evr {
  let k = 0;
  while (k < evr.length && isDigit(evr.charCodeAt(k))) k++;
  let epoch: string | undefined;
  let rest = evr;
  if (evr[k] === ':') {
    epoch = k === 0 ? '0' : evr.slice(0, k);
    rest = evr.slice(k + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash >= 0) return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
  return { epoch, version: rest };
}

export function compareEvr(a: Evr, b: Evr): number {
  let rc = rpmvercmp(a.epoch ?? '0', b.epoch ?? '0');
  if (rc) return rc;
  rc = rpmvercmp(a.version, b.version);
  if (rc) return rc;
  return rpmvercmp(a.release ?? '', b.release ?? '');
}

const evrCache = new Map<string, Evr>();

function cachedEvr(v: string): Evr {
  let e = evrCache.get(v);
  if (!e) {
    e = parseEvr(v.trim());
    if (evrCache.size > 50000) evrCache.clear();
    evrCache.set(v, e);
  }
  return e;
}

export function compareRpm(a: string, b: string): number {
  return compareEvr(cachedEvr(a), cachedEvr(b));
}

const PART = /^[A-Za-z0-9._+~^]+$/;

/** A well-formed EVR: non-empty version (and release when present) of rpm's allowed characters. */
export function validRpm(v: string): boolean {
  if (v.length === 0 || v.length > 4096) return false;
  const e = parseEvr(v);
  if (!PART.test(e.version)) return false;
  if (e.release !== undefined && !PART.test(e.release)) return false;
  if (e.epoch !== undefined && !/^[0-9]+$/.test(e.epoch)) return false;
  return true;
}
