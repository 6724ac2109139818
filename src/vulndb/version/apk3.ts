/**
 * Alpine version order of apk-tools 3 (src/version.c of apk-tools 3.x, with `~hash` tokens). Alpine up to
 * 3.22 ships apk-tools 2.x, whose order is in apk.ts; this one is for images built with apk-tools 3.
 *
 * Grammar: `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`. A version is read as a stream of
 * typed tokens, and each kind may only be followed by kinds allowed after it (anything else makes the
 * rest of the version one INVALID token):
 *   initial number, `.number`..., one lower-case letter, `_suffix[number]`..., `~hexhash`, `-rN`.
 * Two versions are walked in lock step while their token kinds agree:
 * - numbers compare numerically, except a dotted component where either side has a leading zero:
 *   then the digit strings compare as strings (Gentoo rule: `1.05 < 1.5`, `1.01 < 1.1`);
 * - the letter by its code; suffixes `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`;
 *   suffix numbers, revisions numerically; commit hashes as strings.
 * When the kinds differ, a pre-release suffix sorts first; otherwise the version whose next token is of a
 * LATER kind (end of string being the latest but for INVALID) is the smaller one: `1.0 < 1.0.1`,
 * `1.0 < 1.0a`, `1.0-r1 > 1.0`, `1.0 > 1.0bc` (invalid tail).
 *
 * Invalid versions are compared the way apk compares them (so results agree with `apk version -t`);
 * `valid()` is apk_version_validate().
 */

const enum T {
  INITIAL_DIGIT = 0,
  DIGIT = 1,
  LETTER = 2,
  SUFFIX = 3,
  SUFFIX_NO = 4,
  COMMIT_HASH = 5,
  REVISION_NO = 6,
  END = 7,
  INVALID = 8,
}

/** suffix ranks; 5 is "no suffix" */
const SUFFIX_NONE = 5;
const SUFFIXES: Record<string, number> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };

type Num = number | bigint;

class Tok {
  token: T = T.INITIAL_DIGIT;
  suffix = 0;
  number: Num = 0;
  /** the token's text (start, end) in the version string */
  vs = 0;
  ve = 0;
  pos = 0;
  constructor(readonly s: string) {}
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

const U64 = 1n << 64n;

function parseDigits(t: Tok): void {
  const s = t.s;
  const start = t.pos;
  let p = start;
  while (p < s.length && isDigit(s.charCodeAt(p))) p++;
  t.vs = start;
  t.ve = p;
  t.pos = p;
  if (p === start) {
    t.token = T.INVALID;
    return;
  }
  if (p - start <= 15) {
    let v = 0;
    for (let k = start; k < p; k++) v = v * 10 + (s.charCodeAt(k) - 48);
    t.number = v;
  } else {
    // apk keeps the number in a uint64_t
    const big = BigInt(s.slice(start, p)) % U64;
    t.number = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
}

function first(t: Tok): void {
  t.token = T.INITIAL_DIGIT;
  parseDigits(t);
}

function next(t: Tok): void {
  const s = t.s;
  if (t.pos >= s.length) {
    t.token = T.END;
    return;
  }
  const c = s.charCodeAt(t.pos);
  if (isLower(c)) {
    if (t.token > T.DIGIT) return invalid(t);
    t.vs = t.pos;
    t.ve = t.pos + 1;
    t.pos++;
    t.token = T.LETTER;
    return;
  }
  if (c === 46 /* . */ || isDigit(c)) {
    if (c === 46) {
      if (t.token > T.DIGIT) return invalid(t);
      t.pos++;
    }
    if (t.token === T.INITIAL_DIGIT || t.token === T.DIGIT) t.token = T.DIGIT;
    else if (t.token === T.SUFFIX) t.token = T.SUFFIX_NO;
    else return invalid(t);
    parseDigits(t);
    return;
  }
  if (c === 95 /* _ */) {
    if (t.token > T.SUFFIX_NO) return invalid(t);
    t.pos++;
    const start = t.pos;
    while (t.pos < s.length && isLower(s.charCodeAt(t.pos))) t.pos++;
    t.vs = start;
    t.ve = t.pos;
    const rank = SUFFIXES[s.slice(start, t.pos)];
    if (!rank) return invalid(t);
    t.suffix = rank;
    t.token = T.SUFFIX;
    return;
  }
  if (c === 126 /* ~ */) {
    if (t.token >= T.COMMIT_HASH) return invalid(t);
    t.pos++;
    const start = t.pos;
    while (t.pos < s.length && isHex(s.charCodeAt(t.pos))) t.pos++;
    if (t.pos === start) return invalid(t);
    t.vs = start;
    t.ve = t.pos;
    t.token = T.COMMIT_HASH;
    return;
  }
  if (c === 45 /* - */) {
    if (t.token >= T.REVISION_NO) return invalid(t);
    if (s.charCodeAt(t.pos + 1) !== 114 /* r */) return invalid(t);
    t.pos += 2;
    t.token = T.REVISION_NO;
    parseDigits(t);
    return;
  }
  invalid(t);
}

function invalid(t: Tok): void {
  t.token = T.INVALID;
}

/** memcmp on the common length, then the shorter first (apk_blob_sort) */
function blobSort(a: Tok, b: Tok): number {
  const la = a.ve - a.vs;
  const lb = b.ve - b.vs;
  const n = Math.min(la, lb);
  for (let k = 0; k < n; k++) {
    const d = a.s.charCodeAt(a.vs + k) - b.s.charCodeAt(b.vs + k);
    if (d) return d < 0 ? -1 : 1;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}

function tokenCmp(a: Tok, b: Tok): number {
  let x: Num;
  let y: Num;
  switch (a.token) {
    case T.DIGIT:
      if (a.s.charCodeAt(a.vs) === 48 || b.s.charCodeAt(b.vs) === 48) return blobSort(a, b);
      x = a.number;
      y = b.number;
      break;
    case T.INITIAL_DIGIT:
    case T.SUFFIX_NO:
    case T.REVISION_NO:
      x = a.number;
      y = b.number;
      break;
    case T.LETTER:
      x = a.s.charCodeAt(a.vs);
      y = b.s.charCodeAt(b.vs);
      break;
    case T.SUFFIX:
      x = a.suffix;
      y = b.suffix;
      break;
    default:
      return blobSort(a, b);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** apk_version_validate() */
export function validApk3(v: string): boolean {
  const t = new Tok(v);
  for (first(t); t.token < T.END; next(t));
  return t.token === T.END;
}

/** apk_version_compare(): -1, 0 or 1 */
export function compareApk3(a: string, b: string): number {
  const ta = new Tok(a);
  const tb = new Tok(b);
  for (first(ta), first(tb); ta.token === tb.token && ta.token < T.END; next(ta), next(tb)) {
    const r = tokenCmp(ta, tb);
    if (r) return r;
  }
  if (ta.token === tb.token) return 0;
  if (ta.token === T.SUFFIX && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.token === T.SUFFIX && tb.suffix < SUFFIX_NONE) return 1;
  if (ta.token > tb.token) return -1;
  if (tb.token > ta.token) return 1;
  return 0;
}
