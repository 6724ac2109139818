/**
 * Trivy's scan selectors, shared by `image`, `sbom` and `scan`:
 *
 *   --scanners vuln,secret,misconfig,license   which scanners run (a scanner left out does no work at all)
 *   --pkg-types os,library                     which packages make the inventory and are matched
 *   --skip-dirs GLOB / --skip-files GLOB       paths no analyzer reads (globs as Trivy's: `**` crosses directories)
 *
 * Parsing and matching only; the use cases (src/app/) decide what each selection turns off.
 */
import { createRequire } from 'node:module';
import type Picomatch from 'picomatch';
import { InputError } from './errors.js';
import type { Ecosystem, Package } from './inventory.js';

// picomatch (some 15 ms to load) only when a pattern is compiled: most runs have no ignore paths or skip patterns
const require = createRequire(import.meta.url);
const picomatch = ((...args: Parameters<typeof Picomatch>) => (require('picomatch') as typeof Picomatch)(...args)) as typeof Picomatch;

export const SCANNERS = ['vuln', 'secret', 'misconfig', 'license'] as const;
export type ScannerName = (typeof SCANNERS)[number];
export type Scanners = Record<ScannerName, boolean>;

/** Trivy's older spellings. */
const SCANNER_ALIASES: Record<string, ScannerName> = { config: 'misconfig', vulnerability: 'vuln', vulnerabilities: 'vuln', secrets: 'secret', licence: 'license' };

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}...` : s);

/** `vuln,secret` -> the scanners named (every other one off). */
export function parseScanners(v: string, flag = '--scanners'): Scanners {
  const out: Scanners = { vuln: false, secret: false, misconfig: false, license: false };
  const names = v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (!names.length) throw new InputError(`${flag} takes a list of ${SCANNERS.join(', ')}, got '${clip(v)}'`);
  for (const n of names) {
    const s = (SCANNERS as readonly string[]).includes(n) ? (n as ScannerName) : SCANNER_ALIASES[n];
    if (!s) throw new InputError(`${flag}: unknown scanner '${clip(n)}' (use ${SCANNERS.join(', ')})`);
    out[s] = true;
  }
  return out;
}

export function scannerList(s: Scanners): string {
  return SCANNERS.filter((n) => s[n]).join(',');
}

export const PKG_TYPES = ['os', 'library'] as const;
export type PkgType = (typeof PKG_TYPES)[number];
export type PkgTypes = Record<PkgType, boolean>;

export function parsePkgTypes(v: string, flag = '--pkg-types'): PkgTypes {
  const out: PkgTypes = { os: false, library: false };
  const names = v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (!names.length) throw new InputError(`${flag} takes a list of ${PKG_TYPES.join(', ')}, got '${clip(v)}'`);
  for (const n of names) {
    const t = n === 'lang' || n === 'language' ? 'library' : n;
    if (!(PKG_TYPES as readonly string[]).includes(t)) throw new InputError(`${flag}: unknown package type '${clip(n)}' (use ${PKG_TYPES.join(', ')})`);
    out[t as PkgType] = true;
  }
  return out;
}

const OS_ECOSYSTEMS: ReadonlySet<Ecosystem> = new Set(['deb', 'apk', 'rpm']);

/** `os` for distro packages (dpkg, apk, rpm), `library` for language packages. */
export function pkgTypeOf(p: Pick<Package, 'ecosystem'>): PkgType {
  return OS_ECOSYSTEMS.has(p.ecosystem) ? 'os' : 'library';
}

/** The packages of the selected types (all of them when no selection is given). */
export function selectPackages<P extends Pick<Package, 'ecosystem'>>(packages: P[], types: PkgTypes | undefined): P[] {
  if (!types || (types.os && types.library)) return packages;
  return packages.filter((p) => types[pkgTypeOf(p)]);
}

export interface SkipSpec {
  dirs: string[];
  files: string[];
}

/** Normalise one glob: paths are matched without a leading '/' or './' and without a trailing '/'. */
function normGlob(g: string): string {
  let s = g.trim().replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  s = s.replace(/^\/+/, '').replace(/\/+$/, '');
  return s;
}

/** A repeatable `--skip-dirs` / `--skip-files` value: comma lists, accumulated. */
export function collectGlobs(v: string, acc: string[] = []): string[] {
  const more = v.split(',').map(normGlob).filter(Boolean);
  for (const g of more) if (g.length > 1000) throw new InputError(`--skip-dirs / --skip-files: a glob over 1000 characters`);
  return [...acc, ...more];
}

/**
 * `path` (relative, '/'-separated, no leading '/') -> true when a --skip-files glob matches it, or a --skip-dirs
 * glob matches one of its parent directories (or the path itself, for a directory). undefined when nothing is skipped.
 */
export function skipMatcher(spec: SkipSpec | undefined): ((path: string, isDir?: boolean) => boolean) | undefined {
  if (!spec || (!spec.dirs.length && !spec.files.length)) return undefined;
  const opts = { dot: true };
  const file = spec.files.length ? picomatch(spec.files, opts) : undefined;
  const dir = spec.dirs.length ? picomatch(spec.dirs, opts) : undefined;
  return (raw: string, isDir = false) => {
    const path = raw.replace(/^\/+/, '');
    if (!isDir && file?.(path)) return true;
    if (dir) {
      for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) if (dir(path.slice(0, i))) return true;
      if (isDir && dir(path)) return true;
    }
    return false;
  };
}
