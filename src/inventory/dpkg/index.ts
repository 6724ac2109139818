/**
 * dpkg: var/lib/dpkg/status, distroless var/lib/dpkg/status.d/<pkg> stanzas, and var/lib/dpkg/info/<pkg>[:arch].list
 * installed file lists. Only packages whose Status says "installed" count (as `dpkg-query -W -f '${db:Status-Abbrev}'` = ii).
 *
 * The walker streams these files through the detector (`stream`), which reads them line by line and keeps only the
 * current line and the five fields it needs of the current stanza: memory does not grow with the file. A status
 * file listing more than DPKG_MAX_PACKAGES installed packages (a real one lists fewer than 10,000) is read no
 * further: the output keeps the first DPKG_MAX_PACKAGES and says the inventory is incomplete (`incomplete`, which
 * the image check BW-IMAGE-020 reports as a finding).
 */
import type { AnalyzerContext, FileSink, LayerAnalyzer } from '../../image/types.js';
import type { EntryMeta } from '../../sources/types.js';
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
    const p = stanzaPackage(st, requireStatus);
    if (p) pkgs.push(p);
  }
  return pkgs;
}

/** The installed package one stanza describes, if any. */
function stanzaPackage(st: Record<string, string>, requireStatus: boolean): DetectedPackage | undefined {
  {
    const name = field(st, 'Package');
    const version = field(st, 'Version');
    if (!name || !version) return undefined;
    const status = field(st, 'Status');
    if (status !== undefined || requireStatus) {
      const words = (status ?? '').split(/\s+/);
      if (words[2] !== 'installed') return undefined;
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
    return p;
  }
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

/** Installed packages one status file may list before the rest is left unread (a real one lists < 10,000). */
export const DPKG_MAX_PACKAGES = 100_000;
/** Bytes of one line that are read (a longer line is cut: no field dpkg writes comes near) */
export const DPKG_LINE_MAX = 64 * 1024;
/** Characters one of the five fields read may grow to through continuation lines */
const FIELD_MAX = 64 * 1024;
/** Bytes of one info/*.list file that are read */
export const DPKG_LIST_MAX = 64 * 1024 * 1024;

/** the fields a stanza is read for, lower-cased (field names are case-insensitive) */
const NEEDED = new Set(['package', 'version', 'status', 'architecture', 'source']);

/** Splits bytes into lines ('\n'), without decoding them; each line is cut at DPKG_LINE_MAX bytes. */
class LineSplitter {
  private carry: Buffer[] = [];
  private carried = 0;
  constructor(private readonly onLine: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      if (this.carried === 0) this.onLine(nl - start > DPKG_LINE_MAX ? chunk.subarray(start, start + DPKG_LINE_MAX) : chunk.subarray(start, nl));
      else {
        this.keep(chunk.subarray(start, nl));
        this.onLine(Buffer.concat(this.carry, this.carried));
        this.carry = [];
        this.carried = 0;
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** the last line (text after the last '\n'), as String.split gives it */
  end(): void {
    this.onLine(Buffer.concat(this.carry, this.carried));
    this.carry = [];
    this.carried = 0;
  }

  private keep(piece: Buffer): void {
    const room = DPKG_LINE_MAX - this.carried;
    if (room <= 0 || piece.length === 0) return;
    // a copy: the chunk is only valid during the push
    const take = Buffer.from(piece.subarray(0, room));
    this.carry.push(take);
    this.carried += take.length;
  }
}

/** ASCII whitespace String.prototype.trim removes; other bytes of a blank line must be decoded to tell */
function isBlank(line: Buffer): boolean {
  let ascii = true;
  for (let i = 0; i < line.length; i++) {
    const b = line[i]!;
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) continue;
    if (b < 0x80) return false;
    ascii = false;
  }
  return ascii || line.toString('utf8').trim() === '';
}

/**
 * Reads a status file (or a status.d stanza) as it streams by, with the same result as `packagesFromStatus` on the
 * whole text: the same stanza splitting, continuation lines and case-insensitive field names as `parseDeb822`,
 * but only the fields a package needs are kept, and only for the current stanza.
 */
export class StatusReader {
  readonly packages: DetectedPackage[] = [];
  /** set when the file listed more than maxPackages installed packages (reading stopped there) */
  over = false;
  private readonly lines = new LineSplitter((l) => this.line(l));
  /** the current stanza's needed fields, in the order they first appeared */
  private cur = new Map<string, string>();
  private last: string | undefined;
  private lastNeeded = false;
  private any = false;

  constructor(
    private readonly requireStatus: boolean,
    readonly maxPackages = DPKG_MAX_PACKAGES,
  ) {}

  /** false once the package cap was passed: nothing more is read */
  push(chunk: Buffer): boolean {
    if (this.over) return false;
    this.lines.push(chunk);
    return !this.over;
  }

  end(): void {
    if (this.over) return;
    this.lines.end();
    this.stanza();
  }

  private line(buf: Buffer): void {
    if (this.over) return;
    if (isBlank(buf)) {
      this.stanza();
      return;
    }
    const first = buf[0];
    if ((first === 0x20 || first === 0x09) && this.last !== undefined) {
      if (this.lastNeeded) {
        const v = this.cur.get(this.last)!;
        if (v.length < FIELD_MAX) this.cur.set(this.last, (v + '\n' + buf.toString('utf8', 1)).slice(0, FIELD_MAX));
      }
      return;
    }
    const i = buf.indexOf(0x3a); // ':'
    if (i <= 0) return; // malformed line: ignored, like dpkg's lenient readers
    const key = buf.toString('utf8', 0, i);
    this.last = key;
    this.any = true;
    this.lastNeeded = NEEDED.has(key.toLowerCase());
    if (this.lastNeeded) this.cur.set(key, buf.toString('utf8', i + 1).trim().slice(0, FIELD_MAX));
  }

  private stanza(): void {
    if (this.any) {
      const st: Record<string, string> = {};
      for (const [k, v] of this.cur) st[k] = v;
      const p = stanzaPackage(st, this.requireStatus);
      if (p) {
        if (this.packages.length >= this.maxPackages) this.over = true;
        else this.packages.push(p);
      }
    }
    this.cur = new Map();
    this.last = undefined;
    this.lastNeeded = false;
    this.any = false;
  }
}

/** Reads an info/*.list file as it streams by (as `parseFileList`), up to DPKG_LIST_MAX bytes. */
class FileListReader {
  readonly files: string[] = [];
  bytes = 0;
  truncated = false;
  private readonly lines = new LineSplitter((l) => {
    const p = l.toString('utf8').trim().replace(/^\/+/, '');
    if (p && p !== '.') this.files.push(p);
  });

  push(chunk: Buffer): boolean {
    const room = DPKG_LIST_MAX - this.bytes;
    if (chunk.length > room) {
      this.truncated = true;
      chunk = chunk.subarray(0, room);
    }
    this.bytes += chunk.length;
    this.lines.push(chunk);
    return !this.truncated;
  }

  end(): void {
    this.lines.end();
  }
}

/** The detector's sink for one file; `maxPackages` lowers the cap (tests). */
export function dpkgSink(meta: EntryMeta, maxPackages = DPKG_MAX_PACKAGES): FileSink<DetectorOutput> {
  const owner = listOwner(meta.path);
  if (owner) {
    const r = new FileListReader();
    return {
      push: (chunk) => r.push(chunk),
      end() {
        r.end();
        const warnings = r.truncated ? [`${meta.path}: larger than ${DPKG_LIST_MAX} bytes, read only in part`] : undefined;
        return { fileList: { pkg: owner, files: r.files }, warnings };
      },
    };
  }
  const r = new StatusReader(meta.path === DPKG_STATUS, maxPackages);
  return {
    push: (chunk) => r.push(chunk),
    end() {
      r.end();
      if (!r.over) return { packages: r.packages };
      const reason = `${meta.path} lists more than ${r.maxPackages} installed packages (a real one lists fewer than 10,000): only the first ${r.maxPackages} were read, the inventory is incomplete`;
      return { packages: r.packages, warnings: [reason], incomplete: { reason, ecosystem: 'deb', limit: r.maxPackages } };
    },
  };
}

export const dpkgAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'dpkgAnalyzer' },
  name: 'inventory-dpkg',
  version: 2,
  wants(meta) {
    if (meta.path === DPKG_STATUS) return true;
    if (meta.path.startsWith(DPKG_STATUS_D)) {
      const rest = meta.path.slice(DPKG_STATUS_D.length);
      return rest.length > 0 && !rest.includes('/') && !rest.endsWith('.md5sums');
    }
    return listOwner(meta.path) !== undefined;
  },
  /** the walker streams every wanted file through `dpkgSink`: memory does not grow with the file */
  stream: (meta: EntryMeta, _ctx: AnalyzerContext) => dpkgSink(meta),
  /** the same, on content in memory (a file handed over whole; `truncated`: cut short by the caller) */
  analyze(meta, content, ctx) {
    const sink = dpkgSink(meta);
    sink.push(content, 0);
    const out = sink.end()!;
    if (ctx.truncated) out.warnings = [...(out.warnings ?? []), `${meta.path}: read only in part`];
    return out;
  },
};
