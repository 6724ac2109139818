/**
 * Go version order.
 *
 * Modules: semantic versions as golang.org/x/mod/semver defines them — a `v` prefix, the shorthands
 * `v1` and `v1.2` (= v1.0.0, v1.2.0), SemVer 2.0 prerelease precedence, build metadata ignored (so
 * `v2.0.0+incompatible` equals `v2.0.0`). Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
 * `v1.2.4-0.20191109021931-daa7c04131f5`) are ordinary prereleases and sort after their base version
 * and before the next release, which is exactly their meaning. OSV writes Go versions without the `v`;
 * the comparator accepts both.
 *
 * Toolchains (the `stdlib` / `toolchain` pseudo-modules): build info says `go1.21.3`, `go1.21rc1`,
 * `go1.20`. The comparator turns these into the semantic versions the Go vulnerability database uses
 * (golang.org/x/vuln's GoTagToSemver: go1.21.3 → v1.21.3, go1.21rc1 → v1.21.0-rc.1, go1.20 → v1.20.0).
 * `compareGoToolchain` implements go/version.Compare itself (where the language version `go1.21` sorts
 * before `go1.21rc1`), for callers that compare two toolchain strings.
 */
import { VersionSyntaxError } from './errors.js';

interface Parsed {
  major: string;
  minor: string;
  patch: string;
  prerelease: string;
  build: string;
}

function parseInt_(v: string): [string, string] | undefined {
  let i = 0;
  while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
  if (i === 0 || (v[0] === '0' && i !== 1)) return undefined;
  return [v.slice(0, i), v.slice(i)];
}

const IDENT = /^[0-9A-Za-z-]+$/;

function isBadNum(id: string): boolean {
  return /^[0-9]+$/.test(id) && id.length > 1 && id[0] === '0';
}

/** x/mod/semver parse(): undefined for an invalid version */
export function parseGoSemver(v: string): Parsed | undefined {
  if (v === '' || v[0] !== 'v') return undefined;
  const p: Parsed = { major: '', minor: '', patch: '', prerelease: '', build: '' };
  let r = parseInt_(v.slice(1));
  if (!r) return undefined;
  [p.major, v] = r;
  if (v === '') return { ...p, minor: '0', patch: '0' };
  if (v[0] !== '.') return undefined;
  r = parseInt_(v.slice(1));
  if (!r) return undefined;
  [p.minor, v] = r;
  if (v === '') return { ...p, patch: '0' };
  if (v[0] !== '.') return undefined;
  r = parseInt_(v.slice(1));
  if (!r) return undefined;
  [p.patch, v] = r;
  if (v.startsWith('-')) {
    const end = v.indexOf('+');
    const pre = end >= 0 ? v.slice(0, end) : v;
    const ids = pre.slice(1).split('.');
    if (ids.some((id) => !IDENT.test(id) || isBadNum(id))) return undefined;
    p.prerelease = pre;
    v = v.slice(pre.length);
  }
  if (v.startsWith('+')) {
    const ids = v.slice(1).split('.');
    if (ids.some((id) => !IDENT.test(id))) return undefined;
    p.build = v;
    v = '';
  }
  if (v !== '') return undefined;
  return p;
}

function cmpInt(x: string, y: string): number {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

const isNum = (s: string) => /^[0-9]+$/.test(s);

function comparePrerelease(x: string, y: string): number {
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  const xs = x.slice(1).split('.');
  const ys = y.slice(1).split('.');
  const n = Math.min(xs.length, ys.length);
  for (let k = 0; k < n; k++) {
    const dx = xs[k]!;
    const dy = ys[k]!;
    if (dx === dy) continue;
    const ix = isNum(dx);
    const iy = isNum(dy);
    if (ix !== iy) return ix ? -1 : 1;
    if (ix && dx.length !== dy.length) return dx.length < dy.length ? -1 : 1;
    return dx < dy ? -1 : 1;
  }
  return xs.length === ys.length ? 0 : xs.length < ys.length ? -1 : 1;
}

/** golang.org/x/mod/semver.Compare: invalid versions are equal to each other and below every valid one. */
export function compareGoSemver(v: string, w: string): number {
  const pv = parseGoSemver(v);
  const pw = parseGoSemver(w);
  if (!pv && !pw) return 0;
  if (!pv) return -1;
  if (!pw) return 1;
  return cmpInt(pv.major, pw.major) || cmpInt(pv.minor, pw.minor) || cmpInt(pv.patch, pw.patch) || comparePrerelease(pv.prerelease, pw.prerelease);
}

/** golang.org/x/mod/semver.Canonical */
export function canonicalGoSemver(v: string): string {
  const p = parseGoSemver(v);
  if (!p) return '';
  return `v${p.major}.${p.minor}.${p.patch}${p.prerelease}`;
}

const PSEUDO_RE = /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** golang.org/x/mod/module.IsPseudoVersion */
export function isPseudoVersion(v: string): boolean {
  return (v.match(/-/g)?.length ?? 0) >= 2 && parseGoSemver(v) !== undefined && PSEUDO_RE.test(v);
}

function decDecimal(d: string): string {
  const digits = d.split('');
  let i = digits.length - 1;
  for (; i >= 0 && digits[i] === '0'; i--) digits[i] = '9';
  if (i < 0) return '';
  if (i === 0 && digits[i] === '1' && digits.length > 1) digits.shift();
  else digits[i] = String.fromCharCode(digits[i]!.charCodeAt(0) - 1);
  return digits.join('');
}

/**
 * golang.org/x/mod/module.PseudoVersionBase: the tagged version a pseudo-version was derived from
 * ("" when it has no base); throws for something that is not a well-formed pseudo-version.
 */
export function pseudoVersionBase(v: string): string {
  if (!isPseudoVersion(v)) throw new VersionSyntaxError('golang', v, 'not a pseudo-version');
  const p = parseGoSemver(v)!;
  const build = p.build;
  let s = v.slice(0, v.length - build.length);
  s = s.slice(0, s.lastIndexOf('-')); // drop the revision
  const i = s.lastIndexOf('-');
  const j = s.lastIndexOf('.');
  const base = j > i ? s.slice(0, j) : s.slice(0, i);
  const pre = parseGoSemver(base)?.prerelease ?? '';
  if (pre === '') {
    if (build !== '') throw new VersionSyntaxError('golang', v, `lacks base version, but has build metadata "${build}"`);
    return '';
  }
  if (pre === '-0') {
    const b = base.slice(0, base.length - 2);
    const k = b.lastIndexOf('.');
    const patch = decDecimal(b.slice(k + 1));
    if (patch === '') throw new VersionSyntaxError('golang', v, 'version before base is not well-formed');
    return b.slice(0, k + 1) + patch + build;
  }
  return base.slice(0, base.length - 2) + build;
}

const GO_TAG = /^go(\d+\.\d+)(\.\d+|)((beta|rc|-pre)(\d+))?$/;

/** golang.org/x/vuln's GoTagToSemver: go1.21.3 → v1.21.3, go1.21rc1 → v1.21.0-rc.1; "" when not a Go tag. */
export function goTagToSemver(tag: string): string {
  const t = tag.trim().split(/\s+/)[0] ?? '';
  if (t === 'go1') return 'v1.0.0';
  if (t === 'go1.0') return '';
  const m = GO_TAG.exec(t);
  if (!m) return '';
  let v = 'v' + m[1] + (m[2] ? m[2] : '.0');
  if (m[3]) {
    if (!m[4]!.startsWith('-')) v += '-';
    v += m[4] + '.' + m[5];
  }
  return v;
}

/** The `v`-prefixed semantic version for anything the golang comparator accepts, or "" when invalid. */
export function normalizeGo(v: string): string {
  const s = v.trim();
  if (s.startsWith('go')) return goTagToSemver(s);
  const withV = s.startsWith('v') ? s : 'v' + s;
  return parseGoSemver(withV) ? withV : '';
}

const parsedCache = new Map<string, Parsed | null>();

function parsedGo(v: string): Parsed {
  let p = parsedCache.get(v);
  if (p === undefined) {
    const n = normalizeGo(v);
    p = n ? parseGoSemver(n)! : null;
    if (parsedCache.size > 50000) parsedCache.clear();
    parsedCache.set(v, p);
  }
  if (!p) throw new VersionSyntaxError('golang', v, 'not a Go module or toolchain version');
  return p;
}

export function compareGo(a: string, b: string): number {
  const pv = parsedGo(a);
  const pw = parsedGo(b);
  return cmpInt(pv.major, pw.major) || cmpInt(pv.minor, pw.minor) || cmpInt(pv.patch, pw.patch) || comparePrerelease(pv.prerelease, pw.prerelease);
}

export function validGo(v: string): boolean {
  return normalizeGo(v) !== '';
}

// ---- go/version (toolchain versions) ----

interface GoVer {
  major: string;
  minor: string;
  patch: string;
  kind: string;
  pre: string;
}
const ZERO: GoVer = { major: '', minor: '', patch: '', kind: '', pre: '' };

function cutInt(x: string): [string, string] | undefined {
  return parseInt_(x);
}

function parsePreRelease(x: string): [string, string] | undefined {
  let i = 0;
  while (i < x.length && (x.charCodeAt(i) < 48 || x.charCodeAt(i) > 57)) {
    if (x.charCodeAt(i) < 97 || x.charCodeAt(i) > 122) return undefined;
    i++;
  }
  if (i === 0) return undefined;
  const kind = x.slice(0, i);
  x = x.slice(i);
  if (x === '') return [kind, ''];
  const r = cutInt(x);
  if (!r || r[1] !== '') return undefined;
  return [kind, r[0]];
}

/** internal/gover.Parse (without the "go" prefix) */
function parseGover(x: string): GoVer {
  const v: GoVer = { ...ZERO };
  let r = cutInt(x);
  if (!r) return ZERO;
  [v.major, x] = r;
  if (x === '') return { ...v, minor: '0', patch: '0' };
  if (x[0] !== '.') return ZERO;
  r = cutInt(x.slice(1));
  if (!r) return ZERO;
  [v.minor, x] = r;
  if (x === '') {
    if (cmpInt(v.minor, '21') < 0) v.patch = '0';
    return v;
  }
  if (x[0] === '.') {
    r = cutInt(x.slice(1));
    if (!r) return ZERO;
    [v.patch, x] = r;
    if (x !== '') {
      const pr = parsePreRelease(x);
      if (!pr) return ZERO;
      [v.kind, v.pre] = pr;
    }
    return v;
  }
  const pr = parsePreRelease(x);
  if (!pr) return ZERO;
  [v.kind, v.pre] = pr;
  return v;
}

function stripGo(v: string): string {
  const dash = v.indexOf('-');
  if (dash >= 0) v = v.slice(0, dash);
  if (v.length < 2 || !v.startsWith('go')) return '';
  return v.slice(2);
}

/** go/version.Compare: -1, 0, 1; malformed versions are equal to each other and below valid ones. */
export function compareGoToolchain(x: string, y: string): number {
  const vx = parseGover(stripGo(x));
  const vy = parseGover(stripGo(y));
  let c = cmpInt(vx.major, vy.major) || cmpInt(vx.minor, vy.minor) || cmpInt(vx.patch, vy.patch);
  if (c) return c;
  if (vx.kind !== vy.kind) {
    c = vx.kind < vy.kind ? -1 : 1; // "" < alpha < beta < rc
    if (vx.patch !== '') {
      // for a patch release, alpha < beta < rc < ""
      if (vx.kind === '') c = 1;
      else if (vy.kind === '') c = -1;
    }
    return c;
  }
  return cmpInt(vx.pre, vy.pre);
}

/** go/version.IsValid */
export function isValidGoToolchain(x: string): boolean {
  const v = parseGover(stripGo(x));
  return v.major !== '';
}

/** go/version.Lang */
export function goToolchainLang(x: string): string {
  const v = parseGover(stripGo(x));
  if (v.major === '') return '';
  const lang = v.minor === '' || (v.major === '1' && v.minor === '0') ? v.major : `${v.major}.${v.minor}`;
  return x.slice(2).startsWith(lang) ? x.slice(0, 2 + lang.length) : 'go' + lang;
}
