/**
 * Node.js: every installed package root `node_modules/[@scope/]name/package.json` (nested at any depth) and the
 * packages Debian installs in Node's global folders (`usr/share/nodejs/[@scope/]name/package.json`, ...),
 * and the lock files of app directories: package-lock.json / npm-shrinkwrap.json (v1-v3), yarn.lock (v1 and berry),
 * pnpm-lock.yaml (v5-v9). Lock-file packages are marked `fromLockfile`.
 */
import { createRequire } from 'node:module';
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectedPackage, DetectorOutput } from '../types.js';

const PKG_ROOT = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;
/** Debian installs node-* packages outside node_modules, in Node's global folders (/usr/share/nodejs, ...). */
const DEBIAN_ROOT = /^usr\/(?:share\/nodejs|lib\/nodejs|lib\/[^/]+-linux-gnu[^/]*\/nodejs)\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;
const require = createRequire(import.meta.url);
/** `yaml` loads with the first pnpm-lock.yaml, not with the detectors */
let parseYaml: typeof import('yaml').parse | undefined;

const LOCKS = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml']);

/** YAML lock file text as data; an alias to an anchor that does not exist (a ReferenceError in `yaml`) is a syntax error too */
function readYaml(text: string): unknown {
  try {
    parseYaml ??= (require('yaml') as typeof import('yaml')).parse;
    return parseYaml(text);
  } catch (e) {
    if (e instanceof ReferenceError) throw new SyntaxError(`invalid YAML: ${e.message}`);
    throw e;
  }
}

export function isPackageRoot(path: string): boolean {
  return PKG_ROOT.test(path) || DEBIAN_ROOT.test(path);
}

export function isLockfile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!LOCKS.has(base)) return false;
  // a lock file inside an installed package is that package's own, not the app's
  return !/(?:^|\/)node_modules\//.test(path) && !path.includes('/.pnpm/');
}

function licenseOf(j: Record<string, unknown>): string[] | undefined {
  const out: string[] = [];
  const one = (v: unknown) => {
    if (typeof v === 'string' && v.trim()) out.push(v.trim());
    else if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') out.push((v as { type: string }).type);
  };
  one(j.license);
  if (Array.isArray(j.licenses)) j.licenses.forEach(one);
  else one(j.licenses);
  return out.length ? out : undefined;
}

export function packageJson(text: string): DetectedPackage | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) return undefined;
  const o = j as Record<string, unknown>;
  if (typeof o.name !== 'string' || typeof o.version !== 'string' || !o.name || !o.version) return undefined;
  const p: DetectedPackage = { name: o.name, version: o.version, ecosystem: 'npm' };
  const lic = licenseOf(o);
  if (lic) p.licenses = lic;
  return p;
}

function npmName(key: string): string {
  // "node_modules/a/node_modules/@s/b" -> "@s/b"
  const i = key.lastIndexOf('node_modules/');
  return i >= 0 ? key.slice(i + 'node_modules/'.length) : key;
}

export function parsePackageLock(text: string): DetectedPackage[] {
  const parsed: unknown = JSON.parse(text);
  // a document that is not an object (null, a number, a list) holds no packages
  const j = (parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {}) as {
    lockfileVersion?: number;
    packages?: Record<string, { name?: string; version?: string; dev?: boolean; link?: boolean; license?: string }>;
    dependencies?: Record<string, unknown>;
  };
  const out: DetectedPackage[] = [];
  if (j.packages && typeof j.packages === 'object') {
    for (const [key, v] of Object.entries(j.packages)) {
      if (!key || !v || typeof v !== 'object' || v.link) continue; // "" is the root project
      if (!key.includes('node_modules/')) continue; // workspace folders
      const name = v.name ?? npmName(key);
      if (typeof v.version !== 'string' || !v.version || typeof name !== 'string' || !name) continue;
      const p: DetectedPackage = { name, version: v.version, ecosystem: 'npm', fromLockfile: true };
      if (v.dev) p.dev = true;
      if (typeof v.license === 'string') p.licenses = [v.license];
      out.push(p);
    }
    return out;
  }
  // v1: nested "dependencies"
  const walk = (deps: Record<string, unknown> | undefined) => {
    if (!deps || typeof deps !== 'object') return;
    for (const [name, raw] of Object.entries(deps)) {
      const v = raw as { version?: string; dev?: boolean; dependencies?: Record<string, unknown> };
      if (!v || typeof v !== 'object') continue;
      if (typeof v.version === 'string' && !/^(file|link|git\+|github:|https?:)/.test(v.version)) {
        const version = v.version.startsWith('npm:') ? v.version.slice(v.version.lastIndexOf('@') + 1) : v.version;
        const p: DetectedPackage = { name, version, ecosystem: 'npm', fromLockfile: true };
        if (v.dev) p.dev = true;
        out.push(p);
      }
      walk(v.dependencies);
    }
  };
  walk(j.dependencies);
  return out;
}

/** "@scope/name@^1.0.0, @scope/name@npm:^1.1" -> "@scope/name" */
function yarnKeyName(key: string): string {
  const first = key.split(',')[0]!.trim().replace(/^"|"$/g, '');
  const at = first.indexOf('@', 1);
  return at > 0 ? first.slice(0, at) : first;
}

export function parseYarnLock(text: string): DetectedPackage[] {
  const out: DetectedPackage[] = [];
  if (/^__metadata:/m.test(text)) {
    // berry: YAML
    const doc = readYaml(text) as Record<string, { version?: string; resolution?: string; languageName?: string; linkType?: string }>;
    for (const [key, v] of Object.entries(doc ?? {})) {
      if (key === '__metadata' || !v || typeof v !== 'object' || !v.version) continue;
      if (v.resolution && /@(workspace|link|portal|patch):/.test(v.resolution) && !/@npm:/.test(v.resolution)) continue;
      if (v.version === '0.0.0-use.local') continue;
      const name = v.resolution ? v.resolution.slice(0, v.resolution.indexOf('@', 1)) : yarnKeyName(key);
      out.push({ name, version: v.version, ecosystem: 'npm', fromLockfile: true });
    }
    return out;
  }
  // v1: "key:" lines at column 0, then indented `version "x"`
  let name: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    if (!line.startsWith(' ') && line.endsWith(':')) {
      name = yarnKeyName(line.slice(0, -1));
      continue;
    }
    const m = /^ {2}version:?\s+"?([^"\s]+)"?/.exec(line);
    if (m && name) {
      out.push({ name, version: m[1]!, ecosystem: 'npm', fromLockfile: true });
      name = undefined;
    }
  }
  return out;
}

/** pnpm keys: v5 "/name/1.0.0", "/@s/n/1.0.0_peer"; v6 "/name@1.0.0(peer)"; v9 "name@1.0.0". */
export function pnpmKey(key: string): { name: string; version: string } | undefined {
  let k = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  if (at > 0) {
    const name = k.slice(0, at);
    const version = k.slice(at + 1).replace(/_.*$/, '');
    return version ? { name, version } : undefined;
  }
  k = k.replace(/_.*$/, '');
  const slash = k.lastIndexOf('/');
  if (slash <= 0) return undefined;
  return { name: k.slice(0, slash), version: k.slice(slash + 1) };
}

export function parsePnpmLock(text: string): DetectedPackage[] {
  const doc = readYaml(text) as { packages?: Record<string, { version?: string; dev?: boolean; name?: string }> };
  const out: DetectedPackage[] = [];
  for (const [key, v] of Object.entries(doc?.packages ?? {})) {
    const k = pnpmKey(key);
    const name = v?.name ?? k?.name;
    const version = v?.version ?? k?.version;
    if (!name || !version || /^(link|file):/.test(version)) continue;
    const p: DetectedPackage = { name, version, ecosystem: 'npm', fromLockfile: true };
    if (v?.dev) p.dev = true;
    out.push(p);
  }
  return out;
}

export const nodeAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'nodeAnalyzer' },
  name: 'inventory-node',
  version: 2,
  maxFileSize: 32 * 1024 * 1024,
  wants: (meta) => isPackageRoot(meta.path) || isLockfile(meta.path),
  analyze(meta, content, ctx) {
    const text = content.toString('utf8');
    if (isPackageRoot(meta.path)) {
      const p = packageJson(text);
      return p ? { packages: [p] } : undefined;
    }
    if (ctx.truncated) return { warnings: [`${meta.path}: lock file larger than ${nodeAnalyzer.maxFileSize} bytes, skipped`] };
    const base = meta.path.slice(meta.path.lastIndexOf('/') + 1);
    try {
      const packages = base === 'yarn.lock' ? parseYarnLock(text) : base === 'pnpm-lock.yaml' ? parsePnpmLock(text) : parsePackageLock(text);
      return { packages };
    } catch (e) {
      return { warnings: [`${meta.path}: unreadable lock file (${(e as Error).message.split('\n')[0]})`] };
    }
  },
};
