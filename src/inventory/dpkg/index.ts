/**
 * dpkg: var/lib/dpkg/status, distroless var/lib/dpkg/status.d/<pkg> stanzas, and var/lib/dpkg/info/<pkg>[:arch].list
 * installed file lists. Only packages whose Status says "installed" count (as `dpkg-query -W -f '${db:Status-Abbrev}'` = ii).
 */
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectedPackage, DetectorOutput } from '../types.js';

export const DPKG_STATUS = 'var/lib/dpkg/status';
export const DPKG_STATUS_D = 'var/lib/dpkg/status.d/';
export const DPKG_INFO = 'var/lib/dpkg/info/';

/** Split a deb822 control file into stanzas of field -> value (continuation lines joined with '\n'). */
export function parseDeb822(text: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let cur: Record<string, string> = {};
  let last: string | undefined;
  let any = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (any) out.push(cur);
      cur = {};
      last = undefined;
      any = false;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      cur[last] += '\n' + line.slice(1);
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue; // malformed line: ignored, like dpkg's lenient readers
    last = line.slice(0, i);
    cur[last] = line.slice(i + 1).trim();
    any = true;
  }
  if (any) out.push(cur);
  return out;
}

function field(st: Record<string, string>, name: string): string | undefined {
  if (name in st) return st[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(st)) if (k.toLowerCase() === lower) return st[k];
  return undefined;
}

/** "foo (1.2-3)" -> {name: foo, version: 1.2-3}; "foo" -> {name: foo}. */
export function parseSourceField(v: string): { name: string; version?: string } {
  const m = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(v.trim());
  if (!m) return { name: v.trim() };
  return m[2] ? { name: m[1]!, version: m[2].trim() } : { name: m[1]! };
}

export function packagesFromStatus(text: string, requireStatus: boolean): DetectedPackage[] {
  const pkgs: DetectedPackage[] = [];
  for (const st of parseDeb822(text)) {
    const name = field(st, 'Package');
    const version = field(st, 'Version');
    if (!name || !version) continue;
    const status = field(st, 'Status');
    if (status !== undefined || requireStatus) {
      const words = (status ?? '').split(/\s+/);
      if (words[2] !== 'installed') continue;
    }
    const p: DetectedPackage = { name, version, ecosystem: 'deb' };
    const arch = field(st, 'Architecture');
    if (arch) p.arch = arch;
    const em = /^(\d+):/.exec(version);
    if (em) p.epoch = Number(em[1]);
    const src = field(st, 'Source');
    if (src) {
      const s = parseSourceField(src);
      p.sourceName = s.name;
      p.sourceVersion = s.version ?? version;
    } else {
      p.sourceName = name;
      p.sourceVersion = version;
    }
    pkgs.push(p);
  }
  return pkgs;
}

/** "var/lib/dpkg/info/libc6:amd64.list" -> "libc6:amd64" */
export function listOwner(path: string): string | undefined {
  if (!path.startsWith(DPKG_INFO) || !path.endsWith('.list')) return undefined;
  const base = path.slice(DPKG_INFO.length, -'.list'.length);
  return base && !base.includes('/') ? base : undefined;
}

export function parseFileList(text: string): string[] {
  const files: string[] = [];
  for (const l of text.split('\n')) {
    const p = l.trim().replace(/^\/+/, '');
    if (!p || p === '.') continue;
    files.push(p);
  }
  return files;
}

export const dpkgAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'dpkgAnalyzer' },
  name: 'inventory-dpkg',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  wants(meta) {
    if (meta.path === DPKG_STATUS) return true;
    if (meta.path.startsWith(DPKG_STATUS_D)) {
      const rest = meta.path.slice(DPKG_STATUS_D.length);
      return rest.length > 0 && !rest.includes('/') && !rest.endsWith('.md5sums');
    }
    return listOwner(meta.path) !== undefined;
  },
  analyze(meta, content, ctx) {
    const text = content.toString('utf8');
    const warnings = ctx.truncated ? [`${meta.path}: larger than ${dpkgAnalyzer.maxFileSize} bytes, read only in part`] : undefined;
    const owner = listOwner(meta.path);
    if (owner) return { fileList: { pkg: owner, files: parseFileList(text) }, warnings };
    const packages = packagesFromStatus(text, meta.path === DPKG_STATUS);
    return { packages, warnings };
  },
};
