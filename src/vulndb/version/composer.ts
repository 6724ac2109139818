/**
 * Packagist (Composer) version order: composer/semver's VersionParser::normalize() (3.x) followed by
 * PHP's version_compare(), which is how Composer\Semver\Comparator orders versions.
 *
 * normalize: a leading `v` goes, build metadata (`+...`) and `@stability` flags go, classical versions are
 * padded to four numbers (`1.2` → `1.2.0.0`), date versions keep their numbers, and a stability suffix is
 * spelled out (`b2` → `-beta2`, `RC1`, `p3`/`pl3` → `-patch3`, `-dev`). Branch names (`dev-main`) are not
 * versions: one branch compares below every numbered version (as in Composer); two different branches
 * have no order and are refused.
 *
 * version_compare (PHP 8): `-`, `_`, `+` and any non-alphanumeric become `.`, and a `.` is inserted at
 * every digit/non-digit boundary; parts compare pairwise, numbers numerically, words by their special
 * rank dev < alpha = a < beta = b < RC = rc < (number) < pl = p (prefix match, case-sensitive; any other
 * word ranks below dev). When one side runs out, a remaining number makes it greater and a remaining
 * word is ranked against (number).
 */
import { VersionSyntaxError } from './errors.js';

const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*+)?)?([.-]?dev)?';
// JavaScript has no possessive quantifiers: the equivalent greedy forms below match the same strings
const MOD_JS = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
void MODIFIER;
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MOD_JS}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MOD_JS}$`, 'i');
const BRANCH_NUMERIC = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

function expandStability(s: string): string {
  const l = s.toLowerCase();
  if (l === 'a') return 'alpha';
  if (l === 'b') return 'beta';
  if (l === 'p' || l === 'pl') return 'patch';
  if (l === 'rc') return 'RC';
  return l;
}

function normalizeBranch(name: string): string {
  const n = name.trim();
  const m = BRANCH_NUMERIC.exec(n);
  if (m) {
    let v = '';
    for (let i = 1; i < 5; i++) v += m[i] !== undefined ? m[i]!.replace(/[*X]/g, 'x') : '.x';
    return v.replace(/x/g, '9999999') + '-dev';
  }
  return 'dev-' + n;
}

/** VersionParser::normalize (composer/semver 3.x); throws VersionSyntaxError like its UnexpectedValueException. */
export function normalizeComposer(input: string): string {
  let v = input.trim();
  const orig = v;
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(v);
  if (alias) v = alias[1]!;
  const flag = /@(?:stable|RC|beta|alpha|dev)$/i.exec(v);
  if (flag) v = v.slice(0, v.length - flag[0].length);
  if (v === 'master' || v === 'trunk' || v === 'default') v = 'dev-' + v;
  if (v.toLowerCase().startsWith('dev-')) return 'dev-' + v.slice(4);
  const meta = /^([^,\s+]+)\+[^\s]+$/.exec(v);
  if (meta) v = meta[1]!;

  let m = CLASSICAL.exec(v);
  let version = '';
  let index = 0;
  if (m) {
    version = m[1]! + (m[2] || '.0') + (m[3] || '.0') + (m[4] || '.0');
    index = 5;
  } else if ((m = DATE.exec(v))) {
    version = m[1]!.replace(/\D/g, '.');
    index = 2;
  }
  if (m) {
    if (m[index]) {
      if (m[index] === 'stable') return version;
      version += '-' + expandStability(m[index]!) + (m[index + 1] !== undefined && m[index + 1] !== '' ? m[index + 1]!.replace(/^[.-]+/, '') : '');
    }
    if (m[index + 2]) version += '-dev';
    return version;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(v);
  if (dev) {
    const b = normalizeBranch(dev[1]!);
    if (!b.includes('dev-')) return b;
  }
  throw new VersionSyntaxError('composer', orig, 'Invalid version string');
}

// ---- PHP version_compare ----

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string) => /[A-Za-z0-9]/.test(c);

/** php_canonicalize_version() */
export function phpCanonicalize(version: string): string {
  if (version.length === 0) return '';
  let q = version[0]!;
  let lp = version[0]!;
  for (let i = 1; i < version.length; i++) {
    const p = version[i]!;
    const lq = q[q.length - 1];
    const isdig = (x: string) => isDigit(x) && x !== '.';
    const isndig = (x: string) => !isDigit(x) && x !== '.';
    if (p === '-' || p === '_' || p === '+') {
      if (lq !== '.') q += '.';
    } else if ((isndig(lp) && isdig(p)) || (isdig(lp) && isndig(p))) {
      if (lq !== '.') q += '.';
      q += p;
    } else if (!isAlnum(p)) {
      if (lq !== '.') q += '.';
    } else {
      q += p;
    }
    lp = p;
  }
  return q;
}

const SPECIAL: Array<[string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialRank(form: string): number {
  for (const [name, order] of SPECIAL) if (form.startsWith(name)) return order;
  return -1;
}

function compareSpecial(a: string, b: string): number {
  return Math.sign(specialRank(a) - specialRank(b));
}

function numCmp(a: string, b: string): number {
  // strtol: the leading digits; compare by value
  const x = (/^\d+/.exec(a)?.[0] ?? '0').replace(/^0+(?=\d)/, '');
  const y = (/^\d+/.exec(b)?.[0] ?? '0').replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** php_version_compare(): -1, 0, 1 */
export function phpVersionCompare(orig1: string, orig2: string): number {
  if (!orig1 || !orig2) return !orig1 && !orig2 ? 0 : orig1 ? 1 : -1;
  const v1 = orig1[0] === '#' ? orig1 : phpCanonicalize(orig1);
  const v2 = orig2[0] === '#' ? orig2 : phpCanonicalize(orig2);
  const parts1 = v1.split('.');
  const parts2 = v2.split('.');
  let i = 0;
  let compare = 0;
  // n1/n2 of the C code: "there is a part after this one"
  let n1 = true;
  let n2 = true;
  let p1 = parts1[0]!;
  let p2 = parts2[0]!;
  while (p1 !== '' && p2 !== '' && n1 && n2) {
    n1 = i + 1 < parts1.length;
    n2 = i + 1 < parts2.length;
    if (isDigit(p1[0]) && isDigit(p2[0])) compare = numCmp(p1, p2);
    else if (!isDigit(p1[0]) && !isDigit(p2[0])) compare = compareSpecial(p1, p2);
    else compare = isDigit(p1[0]) ? compareSpecial('#N#', p2) : compareSpecial(p1, '#N#');
    if (compare !== 0) break;
    i++;
    if (n1) p1 = parts1[i]!;
    if (n2) p2 = parts2[i]!;
  }
  if (compare === 0) {
    if (n1) {
      compare = isDigit(p1[0]) ? 1 : phpVersionCompare(parts1.slice(i).join('.'), '#N#');
    } else if (n2) {
      compare = isDigit(p2[0]) ? -1 : phpVersionCompare('#N#', parts2.slice(i).join('.'));
    }
  }
  return compare;
}

const cache = new Map<string, string>();

function normalized(v: string): string {
  let n = cache.get(v);
  if (n === undefined) {
    n = normalizeComposer(v);
    if (cache.size > 50000) cache.clear();
    cache.set(v, n);
  }
  return n;
}

export function compareComposer(a: string, b: string): number {
  const na = normalized(a);
  const nb = normalized(b);
  const ba = na.startsWith('dev-');
  const bb = nb.startsWith('dev-');
  if (ba && bb) {
    if (na === nb) return 0;
    throw new VersionSyntaxError('composer', b, `branches '${a}' and '${b}' have no order`);
  }
  return phpVersionCompare(na, nb);
}

export function validComposer(v: string): boolean {
  try {
    return !normalizeComposer(v).startsWith('dev-');
  } catch {
    return false;
  }
}
