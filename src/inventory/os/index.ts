/**
 * OS detection: etc/os-release and usr/lib/os-release (os-release(5) syntax), etc/alpine-release,
 * etc/debian_version, etc/redhat-release. Each file yields a partial OsInfo; the coalescer picks the best.
 */
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectorOutput, OsInfo } from '../types.js';

export const OS_FILES = ['etc/os-release', 'usr/lib/os-release', 'etc/alpine-release', 'etc/debian_version', 'etc/redhat-release'];

/** Parse os-release(5): KEY=value lines, values optionally quoted with shell escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)) {
      const q = v[0];
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\(["\\`$])/g, '$1');
    }
    out[m[1]!] = v;
  }
  return out;
}

const DEBIAN_CODENAMES: Record<string, string> = {
  '8': 'jessie', '9': 'stretch', '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie', '14': 'forky',
};

export function detectOs(path: string, text: string): Omit<OsInfo, 'evidence'> | undefined {
  if (path.endsWith('os-release')) {
    const kv = parseOsRelease(text);
    if (!kv.ID) return undefined;
    const info: Omit<OsInfo, 'evidence'> = { id: kv.ID.toLowerCase() };
    if (kv.VERSION_ID) info.versionId = kv.VERSION_ID;
    const codename = kv.VERSION_CODENAME || kv.UBUNTU_CODENAME;
    if (codename) info.codename = codename;
    else if (info.id === 'debian' && kv.VERSION_ID && DEBIAN_CODENAMES[kv.VERSION_ID]) info.codename = DEBIAN_CODENAMES[kv.VERSION_ID];
    if (kv.PRETTY_NAME) info.prettyName = kv.PRETTY_NAME;
    if (kv.ID_LIKE) info.idLike = kv.ID_LIKE.split(/\s+/).filter(Boolean).map((s) => s.toLowerCase());
    return info;
  }
  const first = text.split('\n')[0]!.trim();
  if (!first) return undefined;
  if (path === 'etc/alpine-release') {
    if (!/^\d+\.\d+/.test(first)) return undefined;
    return { id: 'alpine', versionId: first, prettyName: `Alpine Linux v${first.split('.').slice(0, 2).join('.')}` };
  }
  if (path === 'etc/debian_version') {
    // "12.7" on releases, "trixie/sid" on testing
    const m = /^(\d+)(?:\.\d+)*/.exec(first);
    if (m) return { id: 'debian', versionId: m[1], codename: DEBIAN_CODENAMES[m[1]!], prettyName: `Debian GNU/Linux ${m[1]}` };
    return { id: 'debian', codename: first.split('/')[0] };
  }
  if (path === 'etc/redhat-release') {
    const m = /^(.*?) release (\d+(?:\.\d+)*)/.exec(first);
    if (!m) return undefined;
    const n = m[1]!.toLowerCase();
    const id = n.includes('centos') ? 'centos' : n.includes('rocky') ? 'rocky' : n.includes('alma') ? 'almalinux' : n.includes('fedora') ? 'fedora' : 'rhel';
    return { id, versionId: m[2], prettyName: first };
  }
  return undefined;
}

export const osAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'osAnalyzer' },
  name: 'inventory-os',
  version: 1,
  maxFileSize: 64 * 1024,
  wants: (meta) => OS_FILES.includes(meta.path),
  analyze(meta, content) {
    const os = detectOs(meta.path, content.toString('utf8'));
    return os ? { os } : undefined;
  },
};

/** Precedence when several files say something: os-release first, then the distro-specific files. */
export function pickOs(found: Array<{ path: string; os: Omit<OsInfo, 'evidence'> }>): OsInfo | undefined {
  let best: OsInfo | undefined;
  for (const p of OS_FILES) {
    const f = found.find((x) => x.path === p);
    if (!f) continue;
    if (!best) {
      best = { ...f.os, evidence: f.path };
      continue;
    }
    // os-release on Alpine says VERSION_ID=3.20.3 already; debian_version adds the point release digits nowhere we need.
    if (!best.codename && f.os.codename && f.os.id === best.id) best.codename = f.os.codename;
    if (!best.versionId && f.os.versionId && f.os.id === best.id) best.versionId = f.os.versionId;
  }
  return best;
}
