/**
 * Go build info read from an ELF executable as its bytes stream by, holding only the ranges it needs, never the
 * executable: the ELF and program headers (start of the file), the 32-byte build info header and the strings it
 * names, and for the pre-1.18 pointer format the few rodata strings that may hold the toolchain version and the
 * module info (they come before the data segment in file order, so candidates are kept as they pass).
 *
 * Which header: Go's own reader (debug/buildinfo) looks in the `.go.buildinfo` section or, failing a section
 * table, at the start of the first writable, non-executable PT_LOAD segment (the data segment, where the linker
 * puts it first). Section headers sit at the end of the file, so this reader takes the first 16-byte aligned magic
 * at or after the data segment's start, and only when there is none the first aligned one anywhere in the file.
 * A binary that embeds the magic as data (the go command itself does, through debug/buildinfo) is thus read at
 * its real build info, as `go version -m` reads it.
 */

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
/** the module info's 16-byte start sentinel (cmd/go/internal/modload infoStart) */
const MODINFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const MODINFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const VERSION_TOKENS = [Buffer.from('go1.', 'latin1'), Buffer.from('devel', 'latin1')];
/** what is kept of a version-like token (a toolchain version string is short) */
const VERSION_KEEP = 128;
const MAX_VERSION_HITS = 512;
const MAX_MODINFO_HITS = 8;
const MAX_STRING = 16 * 1024 * 1024;
const HEAD = 64 * 1024;
const LONGEST_TOKEN = 16;

interface Load {
  vaddr: bigint;
  offset: bigint;
  filesz: bigint;
  flags: number;
}

interface Capture {
  start: number;
  buf: Buffer;
  got: number;
  done?: (b: Buffer) => void;
  /** module info candidates grow until their end sentinel, up to `max` bytes */
  untilEnd?: boolean;
  max?: number;
}

export interface BuildInfoStrings {
  version: string;
  modinfo: string;
}

export class BuildInfoScanner {
  /** bytes seen so far (= offset of the next chunk) */
  private pos = 0;
  /** the first HEAD bytes of the file (kept: ELF header, program headers, early strings) */
  private head: Buffer = Buffer.alloc(0);
  private headParsed = false;
  private notElf = false;
  private loads: Load[] = [];
  /** file offset of the data segment (first PT_LOAD that is writable and not executable), -1 when none */
  private dataStart = -1;
  private pending: Capture[] = [];
  /** retro captures: version-like tokens and module info candidates (kept for pointers into rodata) */
  private retro: Capture[] = [];
  private versionHits = 0;
  private modinfoHits = 0;
  /** the last bytes of the previous range scanned, for tokens split across chunks */
  private tail: Buffer = Buffer.alloc(0);
  /** the build info header used: the first aligned magic in the data segment (or anywhere, without one) */
  private chosen?: number;
  private result?: BuildInfoStrings;
  /** the range being scanned */
  private cur?: { buf: Buffer; at: number };

  /** Feed the next bytes (in order). Returns false when the file is not an ELF: nothing more is needed. */
  push(chunk: Buffer, offset = this.pos): boolean {
    if (this.notElf) return false;
    if (offset !== this.pos) throw new Error(`Go build info reader: chunk at ${offset}, expected ${this.pos}`);
    this.pos += chunk.length;
    if (this.headParsed) {
      this.scanRange(chunk, offset);
      return true;
    }
    const need = HEAD - this.head.length;
    this.head = Buffer.concat([this.head, chunk.subarray(0, need)]);
    if (this.head.length < HEAD) return true;
    this.parseHead();
    if (this.notElf) return false;
    this.scanRange(this.head, 0);
    if (chunk.length > need) this.scanRange(chunk.subarray(need), offset + need);
    return true;
  }

  /** After the last byte: the raw version and module info strings, or undefined (not a Go binary, or cut short). */
  end(): BuildInfoStrings | undefined {
    if (!this.headParsed) {
      this.parseHead();
      if (!this.notElf) this.scanRange(this.head, 0);
    }
    if (this.notElf) return undefined;
    return this.result;
  }

  private parseHead(): void {
    this.headParsed = true;
    const b = this.head;
    if (b.length < 52 || b.readUInt32BE(0) !== 0x7f454c46) {
      this.notElf = true;
      return;
    }
    const is64 = b[4] === 2;
    const le = b[5] === 1;
    // the ELF header is 52 bytes (32-bit) or 64 bytes (64-bit): a shorter file is not read past its end
    if (is64 && b.length < 64) {
      this.notElf = true;
      return;
    }
    const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (o: number) => (le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const phoff = Number(is64 ? u64(0x20) : BigInt(u32(0x1c)));
    const phentsize = u16(is64 ? 0x36 : 0x2a);
    const phnum = u16(is64 ? 0x38 : 0x2c);
    for (let i = 0; i < phnum && i < 256; i++) {
      const o = phoff + i * phentsize;
      if (o < 0 || o + (is64 ? 56 : 32) > b.length) break;
      if (u32(o) !== 1) continue; // PT_LOAD
      if (is64) this.loads.push({ flags: u32(o + 4), offset: u64(o + 8), vaddr: u64(o + 16), filesz: u64(o + 32) });
      else this.loads.push({ offset: BigInt(u32(o + 4)), vaddr: BigInt(u32(o + 8)), filesz: BigInt(u32(o + 16)), flags: u32(o + 24) });
    }
    // PF_X = 1, PF_W = 2
    const data = this.loads.find((l) => (l.flags & 3) === 2);
    if (data) this.dataStart = Number(data.offset);
  }

  private scanRange(buf: Buffer, at: number): void {
    this.cur = { buf, at };
    this.scanTokens(buf, at);
    this.findMagic(buf, at);
    this.fill(buf, at);
    // the stream's last bytes (a short range adds to the previous tail)
    const keep = LONGEST_TOKEN - 1;
    this.tail = buf.length >= keep ? Buffer.from(buf.subarray(buf.length - keep)) : Buffer.concat([this.tail, buf]).subarray(-keep);
    this.cur = undefined;
  }

  /** Occurrences of a token in the range, including one that starts in the previous range's tail. */
  private *hits(tok: Buffer, buf: Buffer, at: number): Generator<number> {
    if (this.tail.length) {
      const seam = Buffer.concat([this.tail, buf.subarray(0, tok.length - 1)]);
      for (let i = seam.indexOf(tok); i !== -1; i = seam.indexOf(tok, i + 1)) {
        if (i < this.tail.length && i + tok.length > this.tail.length) yield at - this.tail.length + i;
      }
    }
    for (let i = buf.indexOf(tok); i !== -1; i = buf.indexOf(tok, i + 1)) yield at + i;
  }

  private scanTokens(buf: Buffer, at: number): void {
    for (const tok of VERSION_TOKENS) {
      for (const h of this.hits(tok, buf, at)) {
        if (this.versionHits >= MAX_VERSION_HITS) break;
        this.versionHits++;
        this.capture(h, VERSION_KEEP, undefined, true);
      }
    }
    for (const h of this.hits(MODINFO_START, buf, at)) {
      if (this.modinfoHits >= MAX_MODINFO_HITS) break;
      this.modinfoHits++;
      this.capture(h, 4 * 1024 * 1024, undefined, true, true);
    }
  }

  private findMagic(buf: Buffer, at: number): void {
    if (this.chosen !== undefined) return;
    for (const h of this.hits(MAGIC, buf, at)) {
      if (h % 16 !== 0) continue;
      if (this.dataStart >= 0 && h < this.dataStart) continue;
      this.chosen = h;
      this.readHeader(h);
      return;
    }
  }

  /** Copy what the range holds of pending captures; completed ones run their callbacks (which may ask for more). */
  private fill(buf: Buffer, at: number): void {
    const end = at + buf.length;
    const completed: Capture[] = [];
    for (const c of this.pending) {
      const want = c.start + c.got;
      if (c.got >= c.buf.length || want < at || want >= end) continue;
      if (c.untilEnd && c.got + (end - want) > c.buf.length && c.buf.length < c.max!) {
        const bigger = Buffer.alloc(Math.min(c.max!, Math.max(c.buf.length * 2, c.got + (end - want))));
        c.buf.copy(bigger, 0, 0, c.got);
        c.buf = bigger;
      }
      let take = Math.min(c.buf.length - c.got, end - want);
      if (c.untilEnd) {
        // a module info candidate ends right after its end sentinel (which may straddle ranges)
        const from = Math.max(0, c.got - (MODINFO_END.length - 1));
        const window = Buffer.concat([c.buf.subarray(from, c.got), buf.subarray(want - at, want - at + take)]);
        const e = window.indexOf(MODINFO_END, c.got === 0 ? MODINFO_START.length : 0);
        if (e !== -1) take = from + e + MODINFO_END.length - c.got;
      }
      buf.copy(c.buf, c.got, want - at, want - at + take);
      c.got += take;
      const ended = c.untilEnd && c.got >= 2 * MODINFO_END.length && c.buf.subarray(c.got - MODINFO_END.length, c.got).equals(MODINFO_END);
      if ((c.got === c.buf.length && !(c.untilEnd && c.buf.length < c.max!)) || ended) completed.push(c);
    }
    if (completed.length === 0) return;
    this.pending = this.pending.filter((c) => !completed.includes(c));
    for (const c of completed) {
      if (c.untilEnd) c.buf = c.buf.subarray(0, c.got);
      c.done?.(c.buf.subarray(0, c.got));
    }
  }

  /**
   * Ask for bytes [start, start + len). Bytes still to come (or in the range being scanned, or in the tail just
   * before it) are captured as they pass; bytes further back are taken from the head or a retro capture that
   * covers them; when nothing kept them, `done` never runs.
   */
  private capture(start: number, len: number, done?: (b: Buffer) => void, retro = false, untilEnd = false): void {
    if (!(len >= 0) || len > MAX_STRING) return;
    if (len === 0) {
      done?.(Buffer.alloc(0));
      return;
    }
    const from = this.cur ? this.cur.at : this.pos;
    const tailStart = from - this.tail.length;
    if (start < tailStart || (start < from && start + len <= from)) {
      if (retro) return;
      const have = start >= tailStart ? this.tail.subarray(start - tailStart, start - tailStart + len) : this.past(start, len);
      if (have) done?.(have);
      return;
    }
    // a module info candidate starts small and grows as it goes (most end within a few KiB)
    const c: Capture = untilEnd ? { start, buf: Buffer.alloc(Math.min(len, 64 * 1024)), got: 0, done, untilEnd, max: len } : { start, buf: Buffer.alloc(len), got: 0, done };
    if (start < from) {
      // starts in the tail of the previous range: take those bytes from it
      const n = from - start;
      this.tail.copy(c.buf, 0, this.tail.length - n, this.tail.length);
      c.got = n;
    }
    this.pending.push(c);
    if (retro) this.retro.push(c);
    if (this.cur) this.fill(this.cur.buf, this.cur.at);
  }

  /** Bytes [start, start + len) that already went by, if something kept them. */
  private past(start: number, len: number): Buffer | undefined {
    if (start + len <= this.head.length) return this.head.subarray(start, start + len);
    for (const r of this.retro) {
      if (start >= r.start && start + len <= r.start + r.got) return r.buf.subarray(start - r.start, start - r.start + len);
    }
    return undefined;
  }

  private toOffset(addr: bigint): number | undefined {
    for (const l of this.loads) if (addr >= l.vaddr && addr < l.vaddr + l.filesz) return Number(addr - l.vaddr + l.offset);
    return undefined;
  }

  private readHeader(h: number): void {
    this.capture(h, 32, (hdr) => {
      const ptrSize = hdr[14]!;
      const flags = hdr[15]!;
      if (flags & 2) this.readInline(h);
      else if (ptrSize === 4 || ptrSize === 8) this.readPointers(hdr, ptrSize, (flags & 1) === 1);
    });
  }

  /** Go >= 1.18: two uvarint-prefixed strings right after the header. */
  private readInline(h: number): void {
    const varint = (at: number, then: (len: number, next: number) => void) =>
      this.captureVarint(at, (len, size) => then(len, at + size));
    varint(h + 32, (len1, s1) => {
      if (len1 > MAX_STRING) return;
      this.capture(s1, len1, (version) => {
        const vs = version.toString('utf8');
        this.result = { version: vs, modinfo: '' };
        varint(s1 + len1, (len2, s2) => {
          if (len2 > MAX_STRING) return;
          this.capture(s2, len2, (mi) => (this.result = { version: vs, modinfo: mi.toString('utf8') }));
        });
      });
    });
  }

  /** A uvarint at `at` (1 to 10 bytes), read a byte at a time so that a varint at the very end of the file still completes. */
  private captureVarint(at: number, then: (value: number, size: number) => void, acc = 0, i = 0): void {
    this.capture(at + i, 1, (b) => {
      const c = b[0]!;
      const v = acc + (c & 0x7f) * 2 ** (7 * i);
      if (c < 0x80) then(v, i + 1);
      else if (i < 9) this.captureVarint(at, then, v, i + 1);
    });
  }

  /** Before Go 1.18: pointers to two Go string headers {data, len} (data segment), their bytes in rodata. */
  private readPointers(hdr: Buffer, ptrSize: number, be: boolean): void {
    const ptr = (b: Buffer, o: number): bigint => (ptrSize === 8 ? (be ? b.readBigUInt64BE(o) : b.readBigUInt64LE(o)) : BigInt(be ? b.readUInt32BE(o) : b.readUInt32LE(o)));
    const goString = (addr: bigint, then: (s: string) => void) => {
      const o = this.toOffset(addr);
      if (o === undefined) return;
      this.capture(o, ptrSize * 2, (sh) => {
        const data = ptr(sh, 0);
        const len = ptr(sh, ptrSize);
        if (len > BigInt(MAX_STRING)) return;
        const d = this.toOffset(data);
        if (d === undefined) return;
        this.capture(d, Number(len), (s) => then(s.toString('utf8')));
      });
    };
    goString(ptr(hdr, 16), (version) => {
      this.result = { version, modinfo: '' };
      goString(ptr(hdr, 16 + ptrSize), (modinfo) => (this.result = { version, modinfo }));
    });
  }
}

