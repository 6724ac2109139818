/**
 * Python versions (PEP 440) as pypa/packaging implements them (packaging.version, packaging.specifiers).
 *
 * Version: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]` with every spelling PEP 440 normalises
 * (`alpha`, `beta`, `c`, `pre`, `preview` → a, b, rc; `r`, `rev`, `-N` → post; separators `-_.`, a
 * leading `v`, surrounding whitespace, upper case, leading zeros). Order is packaging's _cmpkey: epoch,
 * release (trailing zeros ignored), then dev-only releases first, pre-releases, the release, post-releases
 * (each post's dev releases before it), and local versions after the public one they extend (numeric
 * local segments above alphanumeric ones).
 *
 * Specifiers follow packaging 25+ (including its rules that `<V` excludes pre-releases of V itself and
 * `>V` excludes post-releases and local versions of V itself). A specifier with no explicit prerelease
 * setting accepts pre-release versions — what a vulnerability range needs.
 */
import { VersionSyntaxError } from './errors.js';

export interface Pep440 {
  epoch: string;
  release: string[];
  pre?: [string, string];
  post?: string;
  dev?: string;
  local?: string[];
}

const VERSION_RE =
  /^v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)([-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?([-_.]?(dev)[-_.]?([0-9]+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

function num(s: string | undefined): string {
  if (!s) return '0';
  const t = s.replace(/^0+/, '');
  return t === '' ? '0' : t;
}

function cmpNum(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const PRE_NORM: Record<string, string> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc' };

const cache = new Map<string, Pep440 | null>();

/** packaging.version.Version(v), or undefined when v is not a PEP 440 version */
export function parsePep440(v: string): Pep440 | undefined {
  const hit = cache.get(v);
  if (hit !== undefined) return hit ?? undefined;
  const m = VERSION_RE.exec(v.trim());
  let out: Pep440 | null = null;
  if (m) {
    out = { epoch: num(m[1]), release: m[2]!.split('.').map(num) };
    if (m[4]) out.pre = [PRE_NORM[m[4].toLowerCase()]!, num(m[5])];
    if (m[6]) out.post = num(m[7] ?? m[9]);
    if (m[10]) out.dev = num(m[12]);
    if (m[13]) out.local = m[13].toLowerCase().split(/[-_.]/).map((p) => (/^[0-9]+$/.test(p) ? num(p) : p));
  }
  if (cache.size > 50000) cache.clear();
  cache.set(v, out);
  return out ?? undefined;
}

function mustParse(v: string): Pep440 {
  const p = parsePep440(v);
  if (!p) throw new VersionSyntaxError('pypi', v, 'not a PEP 440 version');
  return p;
}

/** str(Version(v)): the normalised form */
export function formatPep440(p: Pep440): string {
  let s = p.epoch !== '0' ? `${p.epoch}!` : '';
  s += p.release.join('.');
  if (p.pre) s += p.pre[0] + p.pre[1];
  if (p.post !== undefined) s += `.post${p.post}`;
  if (p.dev !== undefined) s += `.dev${p.dev}`;
  if (p.local) s += `+${p.local.join('.')}`;
  return s;
}

export function normalizePep440(v: string): string {
  return formatPep440(mustParse(v));
}

export function publicPep440(p: Pep440): Pep440 {
  const { local: _local, ...rest } = p;
  return rest;
}

export function isPrereleasePep440(p: Pep440): boolean {
  return p.pre !== undefined || p.dev !== undefined;
}

function cmpRelease(a: string[], b: string[]): number {
  // trailing zeros do not count
  let la = a.length;
  while (la > 0 && a[la - 1] === '0') la--;
  let lb = b.length;
  while (lb > 0 && b[lb - 1] === '0') lb--;
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    const c = cmpNum(a[i]!, b[i]!);
    if (c) return c;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}

const PRE_RANK: Record<string, number> = { a: 0, b: 1, rc: 2 };

/** packaging's _cmpkey order: -1, 0, 1 */
export function comparePep440Parsed(a: Pep440, b: Pep440): number {
  let c = cmpNum(a.epoch, b.epoch) || cmpRelease(a.release, b.release);
  if (c) return c;
  // pre: a dev-only release sorts before any pre-release; no pre sorts after
  const preKey = (p: Pep440): number => (p.pre === undefined && p.post === undefined && p.dev !== undefined ? -1 : p.pre === undefined ? 1 : 0);
  const ka = preKey(a);
  const kb = preKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (ka === 0) {
    c = PRE_RANK[a.pre![0]]! - PRE_RANK[b.pre![0]]!;
    if (c) return c < 0 ? -1 : 1;
    c = cmpNum(a.pre![1], b.pre![1]);
    if (c) return c;
  }
  // post: none sorts first
  if (a.post !== b.post) {
    if (a.post === undefined) return -1;
    if (b.post === undefined) return 1;
    c = cmpNum(a.post, b.post);
    if (c) return c;
  }
  // dev: none sorts last
  if (a.dev !== b.dev) {
    if (a.dev === undefined) return 1;
    if (b.dev === undefined) return -1;
    c = cmpNum(a.dev, b.dev);
    if (c) return c;
  }
  // local: none sorts first; numeric segments above alphanumeric; shorter first on a common prefix
  if (!a.local || !b.local) return a.local ? 1 : b.local ? -1 : 0;
  const n = Math.min(a.local.length, b.local.length);
  for (let i = 0; i < n; i++) {
    const x = a.local[i]!;
    const y = b.local[i]!;
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    if (xn !== yn) return xn ? 1 : -1;
    c = xn ? cmpNum(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (c) return c;
  }
  return a.local.length === b.local.length ? 0 : a.local.length < b.local.length ? -1 : 1;
}

export function comparePep440(a: string, b: string): number {
  return comparePep440Parsed(mustParse(a), mustParse(b));
}

export function validPep440(v: string): boolean {
  return parsePep440(v) !== undefined;
}

// ---- specifiers ----

export type SpecOp = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

export interface Pep440Specifier {
  op: SpecOp;
  /** the version text as written (trimmed) */
  version: string;
  /** for ==/!= with a trailing .* */
  prefix: boolean;
  parsed?: Pep440;
  /** explicit prerelease setting; undefined = accept pre-releases */
  prereleases?: boolean;
}

const SPEC_RE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(.*?)\s*$/s;
const PREFIX_RE = /^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*\.\*$/i;

export class InvalidSpecifierError extends Error {
  constructor(spec: string, reason: string) {
    super(`invalid PEP 440 specifier '${spec}': ${reason}`);
    this.name = 'InvalidSpecifierError';
  }
}

/** packaging.specifiers.Specifier(spec) */
export function parsePep440Specifier(spec: string, prereleases?: boolean): Pep440Specifier {
  const m = SPEC_RE.exec(spec);
  if (!m) throw new InvalidSpecifierError(spec, 'no operator');
  const op = m[1] as SpecOp;
  const ver = m[2]!;
  if (ver === '') throw new InvalidSpecifierError(spec, 'no version');
  if (op === '===') {
    if (/[\s;)]/.test(ver)) throw new InvalidSpecifierError(spec, 'arbitrary version with blank, ; or )');
    return { op, version: ver, prefix: false, parsed: parsePep440(ver), prereleases };
  }
  if (/\s/.test(ver)) throw new InvalidSpecifierError(spec, 'blank inside the version');
  if ((op === '==' || op === '!=') && ver.endsWith('.*')) {
    if (!PREFIX_RE.test(ver)) throw new InvalidSpecifierError(spec, 'prefix match only on a release');
    return { op, version: ver, prefix: true, parsed: parsePep440(ver.slice(0, -2)), prereleases };
  }
  const parsed = parsePep440(ver);
  if (!parsed) throw new InvalidSpecifierError(spec, 'not a PEP 440 version');
  if (parsed.local && op !== '==' && op !== '!=') throw new InvalidSpecifierError(spec, `local version not allowed with ${op}`);
  if (op === '~=' && parsed.release.length < 2) throw new InvalidSpecifierError(spec, '~= needs at least two release segments');
  return { op, version: ver, prefix: false, parsed, prereleases };
}

/** Specifier.prereleases when not set explicitly: whether the specifier names a pre-release */
export function specifierImpliesPrereleases(s: Pep440Specifier): boolean {
  if (!['==', '>=', '<=', '~=', '===', '>', '<'].includes(s.op)) return false;
  return !!s.parsed && isPrereleasePep440(s.parsed);
}

function sameBase(a: Pep440, b: Pep440): boolean {
  return cmpNum(a.epoch, b.epoch) === 0 && cmpRelease(a.release, b.release) === 0;
}

function samePre(a: Pep440, b: Pep440): boolean {
  if (!a.pre || !b.pre) return !a.pre && !b.pre;
  return a.pre[0] === b.pre[0] && cmpNum(a.pre[1], b.pre[1]) === 0;
}

function prefixMatch(p: Pep440, spec: Pep440): boolean {
  if (cmpNum(p.epoch, spec.epoch) !== 0) return false;
  for (let i = 0; i < spec.release.length; i++) {
    if (cmpNum(p.release[i] ?? '0', spec.release[i]!) !== 0) return false;
  }
  return true;
}

function equal(p: Pep440, s: Pep440Specifier): boolean {
  if (s.prefix) return prefixMatch(p, s.parsed!);
  const spec = s.parsed!;
  const lhs = spec.local ? p : publicPep440(p);
  return comparePep440Parsed(lhs, spec) === 0;
}

function evaluate(p: Pep440, s: Pep440Specifier): boolean {
  const spec = s.parsed!;
  switch (s.op) {
    case '==':
      return equal(p, s);
    case '!=':
      return !equal(p, s);
    case '<=':
      return comparePep440Parsed(publicPep440(p), spec) <= 0;
    case '>=':
      return comparePep440Parsed(publicPep440(p), spec) >= 0;
    case '<': {
      if (comparePep440Parsed(p, spec) >= 0) return false;
      // <V does not admit pre-releases of V itself (unless V is a pre-release)
      if (!isPrereleasePep440(spec) && isPrereleasePep440(p) && sameBase(p, spec)) {
        if (spec.post === undefined) return false;
        if (p.pre === undefined && p.post !== undefined && cmpNum(p.post, spec.post) === 0) return false;
      }
      return true;
    }
    case '>': {
      if (comparePep440Parsed(p, spec) <= 0) return false;
      // >V does not admit post-releases of V itself (unless V is a post-release)
      if (spec.post === undefined && spec.dev === undefined && p.post !== undefined && sameBase(p, spec) && samePre(p, spec)) return false;
      // nor local versions of V itself
      if (p.local && comparePep440Parsed(publicPep440(p), spec) === 0) return false;
      return true;
    }
    case '~=': {
      if (comparePep440Parsed(publicPep440(p), spec) < 0) return false;
      const prefix: Pep440 = { epoch: spec.epoch, release: spec.release.slice(0, -1) };
      return prefixMatch(p, prefix);
    }
    default:
      return false;
  }
}

/** Specifier.contains(version): an invalid version only matches `===` with the same text. */
export function specifierContains(s: Pep440Specifier, version: string): boolean {
  if (s.op === '===') return version.trim().toLowerCase() === s.version.toLowerCase();
  const p = parsePep440(version);
  if (!p) return false;
  if (s.prereleases === false && isPrereleasePep440(p)) return false;
  return evaluate(p, s);
}

/**
 * Is `version` inside a comma-separated PEP 440 specifier set (`>=1.0,<2.0`)? Pre-releases are
 * accepted unless `prereleases` is false. Throws InvalidSpecifierError / VersionSyntaxError.
 */
export function satisfiesPep440(version: string, specifierSet: string, prereleases?: boolean): boolean {
  const specs = specifierSet
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => parsePep440Specifier(s, prereleases));
  const p = parsePep440(version);
  if (!p && !specs.some((s) => s.op === '===')) throw new VersionSyntaxError('pypi', version, 'not a PEP 440 version');
  return specs.every((s) => specifierContains(s, version));
}
