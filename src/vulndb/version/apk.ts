/**
 * Alpine version order as apk-tools 2.x implements it (src/version.c of the 2.14 line: the
 * `apk version -t` of Alpine 3.20, checked against it in the oracle test).
 *
 * Grammar (Gentoo-derived): `digit{.digit}...{letter}{_suffix{number}}...{-rN}`, read as a stream of
 * typed tokens walked in lock step while kinds and values agree:
 * - numbers compare numerically; in a component after a dot, all leading zeros but the last form a
 *   token of their own worth -(count) (so `1.001 < 1.01 < 1.1`, `1.05 == 1.5` is false: 1.05 < 1.5);
 *   a number of 18 digits or more is invalid;
 * - one lower-case letter may follow a number (`1.2a`), compared by its code;
 * - suffixes `_alpha < _beta < _pre < _rc` (pre-release: below the release) and
 *   `_cvs < _svn < _git < _hg < _p` (post-release), each with an optional number;
 * - `-rN` is the package revision.
 * When one version goes on after the other ended, it is greater unless it goes on with a pre-release
 * suffix; when the next token kinds differ, digit < letter < suffix < revision < end decides, inverted:
 * the version whose next token is of a LOWER kind is greater.
 *
 * Invalid versions (apk_version_validate() false) are still compared the way apk does (the walk stops
 * at the first invalid token), so results match `apk version -t`; `valid()` reports them.
 */

const enum T {
  INVALID = -1,
  DIGIT_OR_ZERO = 0,
  DIGIT = 1,
  LETTER = 2,
  SUFFIX = 3,
  SUFFIX_NO = 4,
  REVISION_NO = 5,
  END = 6,
}

const PRE = ['alpha', 'beta', 'pre', 'rc'];
const POST = ['cvs', 'svn', 'git', 'hg', 'p'];

class Cursor {
  pos = 0;
  type: T = T.DIGIT;
  constructor(readonly s: string) {}
  get len(): number {
    return this.s.length - this.pos;
  }
  code(k = 0): number {
    const p = this.pos + k;
    return p < this.s.length ? this.s.charCodeAt(p) : 0;
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;

/** decides the kind of the next token from the separator at the cursor (consuming it) */
function nextToken(c: Cursor): void {
  let n: T = T.INVALID;
  const ch = c.code();
  if (c.len === 0 || ch === 0) {
    n = T.END;
  } else if ((c.type === T.DIGIT || c.type === T.DIGIT_OR_ZERO) && isLower(ch)) {
    n = T.LETTER;
  } else if (c.type === T.LETTER && isDigit(ch)) {
    n = T.DIGIT;
  } else if (c.type === T.SUFFIX && isDigit(ch)) {
    n = T.SUFFIX_NO;
  } else {
    if (ch === 46 /* . */) n = T.DIGIT_OR_ZERO;
    else if (ch === 95 /* _ */) n = T.SUFFIX;
    else if (ch === 45 /* - */) {
      if (c.len > 1 && c.code(1) === 114 /* r */) {
        n = T.REVISION_NO;
        c.pos++;
      } else n = T.INVALID;
    }
    c.pos++;
  }
  // token kinds only move forward, except for the few allowed repetitions
  if (n < c.type) {
    const allowed =
      (n === T.DIGIT_OR_ZERO && c.type === T.DIGIT) ||
      (n === T.SUFFIX && c.type === T.SUFFIX_NO) ||
      (n === T.DIGIT && c.type === T.LETTER);
    if (!allowed) n = T.INVALID;
  }
  c.type = n;
}

/** reads the token of the current kind, returns its value, and advances to the next kind */
function getToken(c: Cursor): number {
  if (c.len <= 0) {
    c.type = T.END;
    return 0;
  }
  let v = 0;
  let i = 0;
  let nt: T = T.INVALID;
  const s = c.s;
  const p = c.pos;
  if (c.type === T.DIGIT_OR_ZERO && s.charCodeAt(p) === 48) {
    // leading zeros after a dot: all but the last one are a token worth -(count)
    while (i + 1 < c.len && s.charCodeAt(p + i + 1) === 48) i++;
    nt = T.DIGIT;
    v = -i;
  } else {
    switch (c.type) {
      case T.DIGIT_OR_ZERO:
      case T.DIGIT:
      case T.SUFFIX_NO:
      case T.REVISION_NO:
        while (i < c.len && isDigit(s.charCodeAt(p + i))) {
          v = v * 10 + (s.charCodeAt(p + i) - 48);
          i++;
        }
        // apk keeps the value in an int64: 18 digits and more are refused
        if (i >= 18) {
          c.type = T.INVALID;
          return -1;
        }
        break;
      case T.LETTER:
        v = s.charCodeAt(p);
        i = 1;
        break;
      case T.SUFFIX: {
        let k = PRE.findIndex((x) => s.startsWith(x, p));
        if (k >= 0) {
          i = PRE[k]!.length;
          v = k - PRE.length;
          break;
        }
        k = POST.findIndex((x) => s.startsWith(x, p));
        if (k >= 0) {
          i = POST[k]!.length;
          v = k;
          break;
        }
        c.type = T.INVALID;
        return -1;
      }
      default:
        c.type = T.INVALID;
        return -1;
    }
  }
  c.pos += i;
  if (c.len === 0) c.type = T.END;
  else if (nt !== T.INVALID) c.type = nt;
  else nextToken(c);
  return v;
}

/** apk_version_validate() */
export function validApk(v: string): boolean {
  const c = new Cursor(v);
  while (c.type !== T.END && c.type !== T.INVALID) getToken(c);
  return c.type === T.END;
}

/** apk_version_compare(): -1, 0 or 1 */
export function compareApk(a: string, b: string): number {
  const ca = new Cursor(a);
  const cb = new Cursor(b);
  let av = 0;
  let bv = 0;
  while (ca.type === cb.type && ca.type !== T.END && ca.type !== T.INVALID && av === bv) {
    av = getToken(ca);
    bv = getToken(cb);
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (ca.type === cb.type) return 0;
  // equal so far: the version that goes on is greater, unless it goes on with a pre-release suffix
  if (ca.type === T.SUFFIX && peek(ca) < 0) return -1;
  if (cb.type === T.SUFFIX && peek(cb) < 0) return 1;
  if (ca.type > cb.type) return -1;
  if (cb.type > ca.type) return 1;
  return 0;
}

function peek(c: Cursor): number {
  const copy = new Cursor(c.s);
  copy.pos = c.pos;
  copy.type = c.type;
  return getToken(copy);
}
