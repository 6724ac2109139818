/**
 * Go binaries: the build info the linker embeds (runtime/debug.BuildInfo), read from the file bytes without
 * running anything. Layout (cmd/go/internal/version, debug/buildinfo):
 *   32-byte header at a 16-byte aligned address: "\xff Go buildinf:" (14 bytes), pointer size (1), flags (1), ...
 *   flags & 2 (Go >= 1.18): two varint-length-prefixed strings follow the header: toolchain version, module info.
 *   otherwise: at header+16, two pointers (pointer size, endianness flags & 1) to Go string headers {data, len},
 *   virtual addresses resolved through the ELF PT_LOAD program headers.
 * Module info: 16 sentinel bytes, then lines "path", "mod", "dep", "=>" (replaces the line before), "build",
 * then 16 sentinel bytes.
 *
 * Executables are never buffered whole: the walker streams them through `BuildInfoScanner` (scanner.ts), which
 * finds the header at the start of the data segment (from the program headers at the start of the file) and keeps
 * only the ranges the build info needs.
 */
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectedPackage, DetectorOutput } from '../types.js';
import { BuildInfoScanner, type BuildInfoStrings } from './scanner.js';

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Array<[string, string]>;
}
export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

/** Extract the raw toolchain version and module info strings; undefined when the file is not a Go binary. */
export function readBuildInfoStrings(b: Buffer): { version: string; modinfo: string } | undefined {
  const r = new BuildInfoScanner();
  r.push(b, 0);
  return r.end();
}

export function parseModinfo(raw: string): Omit<GoBuildInfo, 'goVersion'> {
  let s = raw;
  // strip the 16-byte sentinels
  if (s.length >= 33 && s.charCodeAt(s.length - 17) === 10) s = s.slice(16, -16);
  const out: Omit<GoBuildInfo, 'goVersion'> = { deps: [], settings: [] };
  let last: GoModule | undefined;
  for (const line of s.split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'path': out.path = f[1]; break;
      case 'mod': out.main = { path: f[1] ?? '', version: f[2] ?? '', sum: f[3] || undefined }; last = out.main; break;
      case 'dep': last = { path: f[1] ?? '', version: f[2] ?? '', sum: f[3] || undefined }; out.deps.push(last); break;
      case '=>': if (last) last.replace = { path: f[1] ?? '', version: f[2] ?? '', sum: f[3] || undefined }; break;
      case 'build': { const kv = (f[1] ?? '').split('='); out.settings.push([kv[0]!, kv.slice(1).join('=')]); break; }
    }
  }
  return out;
}

function toBuildInfo(s: BuildInfoStrings | undefined): GoBuildInfo | undefined {
  if (!s || (!s.version.startsWith('go') && !s.version.includes('go1'))) return undefined;
  return { goVersion: s.version, ...parseModinfo(s.modinfo) };
}

export function readGoBuildInfo(b: Buffer): GoBuildInfo | undefined {
  return toBuildInfo(readBuildInfoStrings(b));
}

/** "go1.21.3" -> "v1.21.3", "go1.20" -> "v1.20.0", "go1.22rc1" -> "v1.22.0-rc1", "devel go1.23-abc ..." -> undefined */
export function stdlibVersion(goVersion: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?((?:rc|beta)\d+)?(?:\s|$|\b)/.exec(goVersion.trim());
  if (!m) return undefined;
  return `v${m[1]}.${m[2]}.${m[3] ?? '0'}${m[4] ? '-' + m[4] : ''}`;
}

export function goPackages(info: GoBuildInfo, binary: string): DetectedPackage[] {
  const pkgs: DetectedPackage[] = [];
  const go = (extra: Record<string, string | undefined> = {}) => ({ toolchain: info.goVersion, mainModule: info.main?.path, binary, ...extra });
  if (info.main?.path) {
    const v = info.main.version === '(devel)' ? '' : info.main.version;
    pkgs.push({ name: info.main.path, version: v, ecosystem: 'golang', main: true, go: go() });
  }
  for (const d of info.deps) {
    if (!d.path) continue;
    const r = d.replace;
    if (r && r.version && r.version !== '(devel)' && !/^(\.|\/)/.test(r.path)) {
      pkgs.push({ name: r.path, version: r.version, ecosystem: 'golang', go: go({ replaces: `${d.path}@${d.version}` }) });
    } else if (r) {
      pkgs.push({ name: d.path, version: '', ecosystem: 'golang', go: go({ replacedBy: r.path }) });
    } else {
      pkgs.push({ name: d.path, version: d.version, ecosystem: 'golang', go: go() });
    }
  }
  const sv = stdlibVersion(info.goVersion);
  if (sv) pkgs.push({ name: 'stdlib', version: sv, ecosystem: 'golang', go: go() });
  return pkgs;
}

export const goAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'goAnalyzer' },
  name: 'inventory-golang',
  version: 3,
  wants: (meta) => meta.type === 'file' && (meta.mode & 0o111) !== 0 && meta.size >= 1024,
  /** the walker streams executables through the scanner: nothing but a few small ranges is held */
  stream(meta) {
    const scanner = new BuildInfoScanner();
    let elf: boolean | undefined;
    return {
      push(chunk, offset) {
        if (elf === undefined) elf = chunk.length >= 4 && chunk.readUInt32BE(0) === 0x7f454c46;
        return elf ? scanner.push(chunk, offset) : false;
      },
      end() {
        if (!elf || meta.size < 64) return undefined;
        const info = toBuildInfo(scanner.end());
        return info ? { packages: goPackages(info, meta.path) } : undefined;
      },
    };
  },
  analyze(meta, content) {
    if (content.length < 64 || content.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const info = readGoBuildInfo(content);
    return info ? { packages: goPackages(info, meta.path) } : undefined;
  },
};
