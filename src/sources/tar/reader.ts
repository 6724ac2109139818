/**
 * A pull-based streaming tar parser (ustar, GNU long names/links, PAX extended headers), written for
 * hostile input: every length is bounded, header checksums are verified, a stream that ends inside a
 * header or a member is an error, and names are kept as raw bytes so non-UTF-8 names survive (escaped).
 * Content is never buffered unless the caller asks for it: skipping a member only advances offsets.
 */
import { InputError } from '../../core/errors.js';

export class TarError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

export type TarType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface TarHeader {
  /** raw name bytes (PAX path / GNU long name applied) */
  name: Buffer;
  linkname: Buffer;
  type: TarType;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  devmajor: number;
  devminor: number;
  /** byte offset of this member's header in the uncompressed stream */
  offset: number;
}

const EMPTY = Buffer.alloc(0);
/** longest GNU long name / PAX header we accept */
const MAX_META = 1024 * 1024;

/** Reads exact byte counts from an async sequence of chunks. */
export class ByteReader {
  private chunk: Buffer = EMPTY;
  private pos = 0;
  private ended = false;
  /** bytes consumed so far */
  offset = 0;
  private readonly it: AsyncIterator<Buffer>;

  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.pos >= this.chunk.length) {
      if (this.ended) return false;
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        return false;
      }
      this.chunk = r.value;
      this.pos = 0;
    }
    return true;
  }

  /** Exactly n bytes when they are already buffered (no await), else undefined. */
  tryRead(n: number): Buffer | undefined {
    if (this.chunk.length - this.pos >= n) {
      const b = this.chunk.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return b;
    }
    return undefined;
  }

  /** Skip n bytes when they are already buffered (no await); returns false otherwise. */
  trySkip(n: number): boolean {
    if (this.chunk.length - this.pos >= n) {
      this.pos += n;
      this.offset += n;
      return true;
    }
    return false;
  }

  /** Exactly n bytes, or null when the stream ended before the first byte; throws when it ends mid-way. */
  async read(n: number, what: string): Promise<Buffer | null> {
    if (!(await this.fill())) return null;
    if (this.chunk.length - this.pos >= n) {
      const b = this.chunk.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return b;
    }
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) throw new TarError(`truncated archive: stream ended inside ${what} at byte ${this.offset}`);
      const take = Math.min(n - got, this.chunk.length - this.pos);
      this.chunk.copy(out, got, this.pos, this.pos + take);
      this.pos += take;
      got += take;
      this.offset += take;
    }
    return out;
  }

  async skip(n: number, what: string): Promise<void> {
    while (n > 0) {
      if (!(await this.fill())) throw new TarError(`truncated archive: stream ended inside ${what} at byte ${this.offset}`);
      const take = Math.min(n, this.chunk.length - this.pos);
      this.pos += take;
      this.offset += take;
      n -= take;
    }
  }

  /** Yields exactly n bytes as subarrays (valid until the next call). */
  async *take(n: number, what: string): AsyncGenerator<Buffer> {
    while (n > 0) {
      if (!(await this.fill())) throw new TarError(`truncated archive: stream ended inside ${what} at byte ${this.offset}`);
      const take = Math.min(n, this.chunk.length - this.pos);
      const b = this.chunk.subarray(this.pos, this.pos + take);
      this.pos += take;
      this.offset += take;
      n -= take;
      yield b;
    }
  }

  /** Drain the rest of the source (so digests over the whole stream complete). */
  async drain(): Promise<void> {
    this.pos = this.chunk.length;
    while (!this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
    }
  }
}

export function parseOctal(b: Buffer, start: number, len: number, field: string): number {
  const first = b[start]!;
  if (first & 0x80) {
    // base-256 (GNU): big-endian, first byte's top bit is the marker
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) {
      v = v * 256 + b[start + i]!;
      if (v > Number.MAX_SAFE_INTEGER) throw new TarError(`tar header field ${field} is too large`);
    }
    return v;
  }
  let v = 0;
  let i = start;
  const end = start + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw new TarError(`invalid tar header: field ${field} is not octal`);
    v = v * 8 + (c - 0x30);
  }
  return v;
}

export function cstr(b: Buffer, start: number, len: number): Buffer {
  const lim = start + len;
  let end = start;
  while (end < lim && b[end] !== 0) end++;
  return b.subarray(start, end);
}

function typeOf(flag: string): TarType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

export function checksumOk(h: Buffer): boolean {
  let stored: number;
  try {
    stored = parseOctal(h, 148, 8, 'chksum');
  } catch {
    return false;
  }
  let unsigned = 8 * 0x20;
  for (let i = 0; i < 148; i++) unsigned += h[i]!;
  for (let i = 156; i < 512; i++) unsigned += h[i]!;
  if (stored === unsigned) return true;
  let signed = 8 * 0x20;
  for (let i = 0; i < 512; i++) {
    if (i >= 148 && i < 156) continue;
    const c = h[i]!;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === signed;
}

export function parsePax(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(0x20, i);
    if (sp === -1) break;
    const len = Number(buf.subarray(i, sp).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0 || i + len > buf.length) throw new TarError('invalid PAX extended header record');
    const rec = buf.subarray(sp + 1, i + len - 1); // drop trailing \n
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out.set(rec.subarray(0, eq).toString('utf8'), rec.subarray(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Iterates the members of a tar stream. After `next()` returns a header, the caller may call `content()`
 * once (or not at all: the remaining content is skipped by the following `next()`).
 */
export class TarReader {
  readonly bytes: ByteReader;
  private remaining = 0;
  private padding = 0;
  private globalPax = new Map<string, Buffer>();
  private done = false;

  constructor(src: AsyncIterable<Buffer>) {
    this.bytes = new ByteReader(src);
  }

  private async finishCurrent(): Promise<void> {
    const total = this.remaining + this.padding;
    if (total === 0 || this.bytes.trySkip(total)) {
      this.remaining = 0;
      this.padding = 0;
      return;
    }
    if (this.remaining > 0) await this.bytes.skip(this.remaining, 'a member');
    this.remaining = 0;
    if (this.padding > 0) await this.bytes.skip(this.padding, 'member padding');
    this.padding = 0;
  }

  /**
   * The current member's whole content as one view, when the reader's current buffer holds all of it (no await);
   * undefined, having read nothing, otherwise. Like `content()`, at most once per member.
   */
  tryContent(): Buffer | undefined {
    const b = this.bytes.tryRead(this.remaining);
    if (b !== undefined) this.remaining = 0;
    return b;
  }

  /** The current member's content, as subarrays (copy what you keep). */
  async *content(): AsyncGenerator<Buffer> {
    const n = this.remaining;
    this.remaining = 0;
    yield* this.bytes.take(n, 'a member');
  }

  async next(): Promise<TarHeader | null> {
    if (this.done) return null;
    if (this.remaining + this.padding > 0) await this.finishCurrent();
    let longName: Buffer | undefined;
    let longLink: Buffer | undefined;
    let pax: Map<string, Buffer> | undefined;
    for (;;) {
      const offset = this.bytes.offset;
      const h = this.bytes.tryRead(512) ?? (await this.bytes.read(512, 'a header'));
      if (h === null) {
        // a stream that ends on a block boundary without the end-of-archive blocks: accept it like GNU tar
        if (longName || longLink || pax) throw new TarError('truncated archive: stream ended after an extended header');
        this.done = true;
        return null;
      }
      if (isZero(h)) {
        this.done = true;
        await this.bytes.drain();
        return null;
      }
      if (!checksumOk(h)) throw new TarError(`not a tar archive or corrupt header at byte ${offset} (checksum mismatch)`);
      const flag = String.fromCharCode(h[156]!);
      let size = parseOctal(h, 124, 12, 'size');
      const pad = (512 - (size % 512)) % 512;
      if (flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g') {
        if (size > MAX_META) throw new TarError(`extended header of ${size} bytes at byte ${offset} exceeds the ${MAX_META}-byte limit`);
        const body = (await this.bytes.read(size, 'an extended header')) ?? EMPTY;
        if (body.length < size) throw new TarError('truncated archive: stream ended inside an extended header');
        const copy = Buffer.from(body);
        if (pad) await this.bytes.skip(pad, 'member padding');
        if (flag === 'L') longName = cstr(copy, 0, copy.length);
        else if (flag === 'K') longLink = cstr(copy, 0, copy.length);
        else if (flag === 'x') pax = parsePax(copy);
        else for (const [k, v] of parsePax(copy)) this.globalPax.set(k, v);
        continue;
      }
      const ustar = h[257] === 0x75 && h[258] === 0x73 && h[259] === 0x74 && h[260] === 0x61 && h[261] === 0x72;
      let name = cstr(h, 0, 100);
      if (ustar && h[345] !== 0) {
        const prefix = cstr(h, 345, 155);
        if (prefix.length) name = Buffer.concat([prefix, Buffer.from('/'), name]);
      }
      let linkname = h[157] === 0 ? EMPTY : cstr(h, 157, 100);
      let uid = parseOctal(h, 108, 8, 'uid');
      let gid = parseOctal(h, 116, 8, 'gid');
      let mtime = parseOctal(h, 136, 12, 'mtime');
      const merged = this.globalPax.size ? new Map([...this.globalPax, ...(pax ?? [])]) : pax;
      if (merged) {
        const num = (k: string, d: number) => {
          const v = merged.get(k);
          if (!v) return d;
          const n = Number(v.toString('latin1'));
          return Number.isFinite(n) && n >= 0 ? n : d;
        };
        if (merged.has('path')) name = merged.get('path')!;
        if (merged.has('linkpath')) linkname = merged.get('linkpath')!;
        size = num('size', size);
        uid = num('uid', uid);
        gid = num('gid', gid);
        mtime = Math.floor(num('mtime', mtime));
      }
      if (longName) name = longName;
      if (longLink) linkname = longLink;
      const type = typeOf(flag);
      // hardlinks, symlinks, devices, fifos and dirs carry no content even when a size is recorded (GNU)
      const hasData = type === 'file' || type === 'other';
      const dataSize = hasData ? size : 0;
      this.remaining = dataSize;
      this.padding = hasData ? (512 - (dataSize % 512)) % 512 : 0;
      return {
        name,
        linkname,
        type,
        typeflag: flag,
        mode: parseOctal(h, 100, 8, 'mode'),
        uid,
        gid,
        size: dataSize,
        mtime,
        devmajor: ustar ? parseOctal(h, 329, 8, 'devmajor') : 0,
        devminor: ustar ? parseOctal(h, 337, 8, 'devminor') : 0,
        offset,
      };
    }
  }
}

export function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes to text: UTF-8 when valid, otherwise each invalid byte as `\xNN` (and a literal backslash stays). */
export function decodeName(b: Buffer): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return b.toString('latin1');
  try {
    return utf8.decode(b);
  } catch {
    let out = '';
    let i = 0;
    while (i < b.length) {
      // find the longest valid UTF-8 run starting at i
      const c = b[i]!;
      let len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
      if (len > 1) {
        try {
          out += utf8.decode(b.subarray(i, i + len));
          i += len;
          continue;
        } catch {
          len = 0;
        }
      }
      if (len === 1) {
        out += String.fromCharCode(c);
        i++;
        continue;
      }
      out += `\\x${c.toString(16).padStart(2, '0')}`;
      i++;
    }
    return out;
  }
}
