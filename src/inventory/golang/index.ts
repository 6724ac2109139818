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
 * The walker hands the analyzer whole files up to `maxFileSize` (256 MiB, set for this analyzer only: the build
 * info lives in the data segment, after text and rodata, so a prefix of the file is not enough in general).
 */
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectedPackage, DetectorOutput } from '../types.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

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

interface ElfLoad { vaddr: bigint; offset: bigint; filesz: bigint }

function readElfLoads(b: Buffer): ElfLoad[] | undefined {
  if (b.length < 52 || b.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (o: number) => (le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const phoff = Number(is64 ? u64(0x20) : BigInt(u32(0x1c)));
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  const loads: ElfLoad[] = [];
  for (let i = 0; i < phnum && i < 256; i++) {
    const o = phoff + i * phentsize;
    if (o + (is64 ? 56 : 32) > b.length) break;
    if (u32(o) !== 1) continue; // PT_LOAD
    if (is64) loads.push({ offset: u64(o + 8), vaddr: u64(o + 16), filesz: u64(o + 32) });
    else loads.push({ offset: BigInt(u32(o + 4)), vaddr: BigInt(u32(o + 8)), filesz: BigInt(u32(o + 16)) });
  }
  return loads;
}

function readUvarint(b: Buffer, pos: number): [number, number] | undefined {
  let x = 0;
  let s = 0;
  for (let i = 0; i < 10 && pos + i < b.length; i++) {
    const c = b[pos + i]!;
    if (c < 0x80) return [x + c * 2 ** s, pos + i + 1];
    x += (c & 0x7f) * 2 ** s;
    s += 7;
  }
  return undefined;
}

/** Find the build info header; Go aligns it to 16 bytes in memory, and Go's linkers keep file and memory offsets congruent mod 16. */
function findHeader(b: Buffer): number {
  let from = 0;
  for (;;) {
    const i = b.indexOf(MAGIC, from);
    if (i < 0) return -1;
    if (i % 16 === 0 && i + 32 <= b.length) return i;
    from = i + 1;
  }
}

/** Extract the raw toolchain version and module info strings; undefined when the file is not a Go binary. */
export function readBuildInfoStrings(b: Buffer): { version: string; modinfo: string } | undefined {
  const h = findHeader(b);
  if (h < 0) return undefined;
  const ptrSize = b[h + 14]!;
  const flags = b[h + 15]!;
  if (flags & 2) {
    const v = readUvarint(b, h + 32);
    if (!v || v[1] + v[0] > b.length) return undefined;
    const version = b.toString('utf8', v[1], v[1] + v[0]);
    const m = readUvarint(b, v[1] + v[0]);
    if (!m || m[1] + m[0] > b.length) return { version, modinfo: '' };
    return { version, modinfo: b.toString('utf8', m[1], m[1] + m[0]) };
  }
  if (ptrSize !== 4 && ptrSize !== 8) return undefined;
  const loads = readElfLoads(b);
  if (!loads) return undefined;
  const be = (flags & 1) === 1;
  const readPtr = (o: number): bigint | undefined => {
    if (o < 0 || o + ptrSize > b.length) return undefined;
    if (ptrSize === 8) return be ? b.readBigUInt64BE(o) : b.readBigUInt64LE(o);
    return BigInt(be ? b.readUInt32BE(o) : b.readUInt32LE(o));
  };
  const toOff = (addr: bigint): number | undefined => {
    for (const l of loads) if (addr >= l.vaddr && addr < l.vaddr + l.filesz) return Number(addr - l.vaddr + l.offset);
    return undefined;
  };
  const readGoString = (addr: bigint | undefined): string | undefined => {
    if (addr === undefined) return undefined;
    const o = toOff(addr);
    if (o === undefined) return undefined;
    const dataAddr = readPtr(o);
    const len = readPtr(o + ptrSize);
    if (dataAddr === undefined || len === undefined || len > 16n * 1024n * 1024n) return undefined;
    const d = toOff(dataAddr);
    if (d === undefined || d + Number(len) > b.length) return undefined;
    return b.toString('utf8', d, d + Number(len));
  };
  const version = readGoString(readPtr(h + 16));
  if (version === undefined) return undefined;
  const modinfo = readGoString(readPtr(h + 16 + ptrSize)) ?? '';
  return { version, modinfo };
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

export function readGoBuildInfo(b: Buffer): GoBuildInfo | undefined {
  const s = readBuildInfoStrings(b);
  if (!s || !s.version.startsWith('go') && !s.version.includes('go1')) return undefined;
  return { goVersion: s.version, ...parseModinfo(s.modinfo) };
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
  version: 2,
  maxFileSize: 256 * 1024 * 1024,
  wants: (meta) => meta.type === 'file' && (meta.mode & 0o111) !== 0 && meta.size >= 1024,
  analyze(meta, content, ctx) {
    if (content.length < 64 || content.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const info = readGoBuildInfo(content);
    if (!info) {
      if (ctx.truncated && content.indexOf(MAGIC) < 0) return { warnings: [`${meta.path}: ELF larger than ${goAnalyzer.maxFileSize} bytes, Go build info not looked for past that`] };
      return undefined;
    }
    return { packages: goPackages(info, meta.path) };
  },
};
