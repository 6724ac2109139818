/**
 * A small layer analyzer collecting the few file contents the image checks need: account databases
 * (etc/passwd, etc/group), OS release files, the OS package managers' file lists (dpkg `info/*.list`,
 * apk `installed`: who owns a setuid binary) and the ELF header of files named like core dumps.
 */
import type { EntryMeta } from '../../sources/types.js';
import type { LayerAnalyzer } from '../../image/types.js';

export const FILES_ANALYZER = 'image-files';

export type FileFacts =
  | { kind: 'text'; text: string }
  | { kind: 'owners'; manager: 'dpkg' | 'apk'; owners: Record<string, string[]> }
  | { kind: 'core'; elfCore: boolean };

const TEXT_FILES = new Set([
  'etc/passwd',
  'etc/group',
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/debian_version',
  'etc/redhat-release',
  'etc/system-release',
]);

/** the longest path of TEXT_FILES */
const TEXT_FILES_MAX_LENGTH = Math.max(...[...TEXT_FILES].map((p) => p.length));

const CORE_NAME = /(?:^|\/)core(?:\.\d+)?$/;
const DPKG_LIST = /^var\/lib\/dpkg\/info\/([^/]+)\.list$/;

/** Parse apk's installed database into package -> files. */
export function parseApkInstalled(text: string): Record<string, string[]> {
  const owners: Record<string, string[]> = {};
  let pkg = '';
  let dir = '';
  for (const line of text.split('\n')) {
    if (line === '') {
      pkg = '';
      dir = '';
      continue;
    }
    const k = line[0];
    const v = line.slice(2);
    if (k === 'P') {
      pkg = v;
      if (pkg) owners[pkg] ??= [];
    } else if (k === 'F') dir = v;
    else if (k === 'R' && pkg) owners[pkg].push(dir ? `${dir}/${v}` : v);
  }
  return owners;
}

function dpkgListFiles(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^\/+/, '').trim())
    .filter((l) => l && l !== '.');
}

export const imageFilesAnalyzer: LayerAnalyzer<FileFacts> = {
  origin: { module: import.meta.url, export: 'imageFilesAnalyzer' },
  name: FILES_ANALYZER,
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  wants(meta: EntryMeta): boolean {
    if (meta.type !== 'file' && meta.type !== 'hardlink') return false;
    const p = meta.path;
    // (every file of an image comes here: the regexes run only on the paths that can match them, and the set is
    // asked only for paths as short as its own: hashing every path of an image costs more than the test)
    return (p.length <= TEXT_FILES_MAX_LENGTH && TEXT_FILES.has(p)) || p === 'lib/apk/db/installed' || (p.startsWith('var/lib/dpkg/info/') && DPKG_LIST.test(p)) || (meta.size >= 64 && p.includes('core') && CORE_NAME.test(p));
  },
  analyze(meta, content) {
    const p = meta.path;
    if (TEXT_FILES.has(p)) return { kind: 'text', text: content.subarray(0, 1024 * 1024).toString('utf8') };
    if (p === 'lib/apk/db/installed') return { kind: 'owners', manager: 'apk', owners: parseApkInstalled(content.toString('utf8')) };
    const m = DPKG_LIST.exec(p);
    if (m) return { kind: 'owners', manager: 'dpkg', owners: { [m[1].replace(/:[a-z0-9]+$/, '')]: dpkgListFiles(content.toString('utf8')) } };
    if (CORE_NAME.test(p)) {
      // ELF magic and e_type == ET_CORE (4), in either byte order
      const elf = content.length >= 18 && content[0] === 0x7f && content.toString('latin1', 1, 4) === 'ELF';
      const le = content[5] === 1;
      const type = elf ? (le ? content.readUInt16LE(16) : content.readUInt16BE(16)) : 0;
      return elf && type === 4 ? { kind: 'core', elfCore: true } : undefined;
    }
    return undefined;
  },
};
