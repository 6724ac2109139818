/**
 * One layer blob -> its entries: compression detected by magic bytes (gzip, zstd, plain tar), the blob
 * digest and the diff_id verified while streaming (a mismatch is an error when the stream ends), limits
 * against decompression bombs and entry floods, and hostile names normalised or rejected.
 * Everything is streamed: nothing but the current chunk and the wanted file is in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { InputError } from '../core/errors.js';
import type { EntryMeta, LayerEntry, LayerRef } from './types.js';
import { TarError, TarReader, decodeName, type TarHeader } from './tar/reader.js';
import { ChunkRing } from './chunk-ring.js';
import { InflateError, inflateIntoRing, syncInflateSupported } from './inflate-ring.js';

export interface LayerLimits {
  /** most entries one layer may hold (default 2,000,000) */
  maxEntries: number;
  /** most uncompressed bytes one layer may expand to, whatever it declares (default 64 GiB) */
  maxBytes: number;
  /** highest uncompressed/compressed ratio accepted once `ratioMinBytes` are out (default 1000) */
  maxRatio: number;
  /**
   * for a blob of declared size (manifest descriptor, archive member): at most this many times that size comes out
   * of it (default 100), or `ratioMinBytes`, whichever is more
   */
  maxExpansion: number;
  /**
   * output size from which the ratio is checked (default 256 MiB): a small layer of very compressible text is
   * genuine, and a bomb is stopped after this much output, whatever its size
   */
  ratioMinBytes: number;
}

export const DEFAULT_LIMITS: LayerLimits = {
  maxEntries: 2_000_000,
  maxBytes: 64 * 1024 ** 3,
  maxRatio: 1000,
  maxExpansion: 100,
  ratioMinBytes: 256 * 1024 ** 2,
};

export class LayerError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'LayerError';
  }
}

/** The entries of a layer plus what the reader learnt on the way (filled as iteration proceeds). */
export interface LayerEntryStream extends AsyncIterable<LayerEntry> {
  warnings: string[];
  stats: { compressedBytes: number; uncompressedBytes: number; compression: 'gzip' | 'zstd' | 'none' | 'dir'; digest?: string; diffId?: string };
}

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(b: Buffer): Compression {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  return 'none';
}

function hashFor(digest: string | undefined): { algo: string; hex: string } | undefined {
  if (!digest) return undefined;
  const m = /^(sha256|sha512):([a-f0-9]+)$/.exec(digest);
  if (!m) return undefined;
  return { algo: m[1]!, hex: m[2]! };
}

/**
 * Normalise a tar member name to a root-relative path. Returns undefined for the root itself and throws
 * nothing: escapes are reported through `escaped`.
 */
const PLAIN_NAME = /^(?!\.{1,2}(?:\/|$))(?:[^/]+\/)*[^/]*$/;
const NEEDS_WORK = /(?:^|\/)\.{1,2}(?:\/|$)|\/\//;

export function normalizePath(name: string): { path: string; absolute: boolean; escaped: boolean } {
  if (name.charCodeAt(0) !== 0x2f && !NEEDS_WORK.test(name) && PLAIN_NAME.test(name)) {
    return { path: name.endsWith('/') ? name.slice(0, -1) : name, absolute: false, escaped: false };
  }
  const absolute = name.startsWith('/');
  const out: string[] = [];
  let escaped = false;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) escaped = true;
      else out.pop();
      continue;
    }
    out.push(part);
  }
  return { path: out.join('/'), absolute, escaped };
}

async function* rawWithDigest(src: AsyncIterable<Buffer> | Iterable<Buffer>, hash: Hash | undefined, stats: LayerEntryStream['stats'], declared: number | undefined, what: string): AsyncGenerator<Buffer> {
  for await (const c of src) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
    stats.compressedBytes += b.length;
    if (declared !== undefined && stats.compressedBytes > declared) throw new LayerError(`${what}: the blob is larger than the ${declared} bytes its descriptor declares`);
    hash?.update(b);
    yield b;
  }
}

/** A plain tar: only the absolute cap applies (there is no ratio). */
function maxOnly(limits: LayerLimits, what: string): OutputGuard {
  return (produced) => {
    if (produced > limits.maxBytes) throw new LayerError(`${what}: expands beyond ${limits.maxBytes} bytes (decompression bomb?); raise the limit if the image is genuine`);
  };
}

async function* prepend(first: Buffer, it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

/** What a decompressor has taken in so far: the ratio is measured against it, not against bytes merely read ahead. */
interface Consumed {
  bytes: number;
}

/** Input for zlib in small slices: zlib counts a chunk as taken in when it starts on it (bytesWritten). */
async function* sliced(src: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  for await (const c of src) {
    if (c.length <= size) yield c;
    else for (let i = 0; i < c.length; i += size) yield c.subarray(i, Math.min(c.length, i + size));
  }
}

async function* gunzip(src: AsyncIterable<Buffer>, what: string, consumed: Consumed): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: 256 * 1024 });
  // 64 KiB in: at most ~64 MiB out of a maximally compressed slice before the ratio is seen
  const input = Readable.from(sliced(src, 64 * 1024), { objectMode: false, highWaterMark: 256 * 1024 });
  let inputError: unknown;
  input.on('error', (e) => {
    inputError = e;
    z.destroy(e);
  });
  input.pipe(z);
  try {
    for await (const c of z) {
      consumed.bytes = z.bytesWritten;
      yield c as Buffer;
    }
  } catch (e) {
    if (inputError) throw inputError;
    const msg = (e as Error).message;
    if (/unexpected end of file/i.test(msg)) throw new LayerError(`${what}: truncated gzip stream (unexpected end of file)`);
    throw new LayerError(`${what}: corrupt gzip stream (${msg})`);
  } finally {
    input.destroy();
    z.destroy();
  }
}

async function* gunzipRing(src: AsyncIterable<Buffer>, what: string, consumed: Consumed): AsyncGenerator<Buffer> {
  try {
    yield* inflateIntoRing(src, new ChunkRing(), consumed);
  } catch (e) {
    if (!(e instanceof InflateError)) throw e;
    const msg = (e as Error).message;
    if (/unexpected end of file/i.test(msg)) throw new LayerError(`${what}: truncated gzip stream (unexpected end of file)`);
    throw new LayerError(`${what}: corrupt gzip stream (${msg})`);
  }
}

async function* unzstd(src: AsyncIterable<Buffer>, what: string, guard: OutputGuard, consumed: Consumed): AsyncGenerator<Buffer> {
  // the decoder loads with the first zstd layer (most images are gzip; a cached scan reads no layer)
  const { Decompress: ZstdDecompress } = await import('../vendor/fzstd/index.js');
  const out: Buffer[] = [];
  let ended = false;
  let produced = 0;
  // the decoder (a patched fzstd, src/vendor/fzstd) emits every block of a push synchronously: check the limits per block, and push small slices,
  // so a bomb cannot grow the pending output past (slice size x ratio limit) before it is caught
  const d = new ZstdDecompress((chunk, final) => {
    produced += chunk.byteLength;
    guard(produced, consumed.bytes);
    out.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (final) ended = true;
  });
  const SLICE = 64 * 1024;
  try {
    for await (const c of src) {
      for (let i = 0; i < c.length; i += SLICE) {
        const slice = c.subarray(i, Math.min(c.length, i + SLICE));
        consumed.bytes += slice.length;
        d.push(slice);
        while (out.length) yield out.shift()!;
      }
    }
    d.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof LayerError || e instanceof TarError) throw e;
    // the decoder's codes: 1 = a window above its limit (a genuine but unusual stream), the rest are corrupt data
    if ((e as { code?: unknown }).code === 1) throw new LayerError(`${what}: zstd stream not supported (${(e as Error).message})`);
    throw new LayerError(`${what}: corrupt zstd stream (${(e as Error).message})`);
  }
  while (out.length) yield out.shift()!;
  if (!ended) throw new LayerError(`${what}: truncated zstd stream`);
}

/** Throws when `produced` uncompressed bytes from `consumed` compressed ones look like a bomb or pass a cap. */
type OutputGuard = (produced: number, consumed: number) => void;

/**
 * The decompression limits of one layer, checked per output chunk:
 *  - an absolute cap: the configured maximum, and for a blob of declared size, `maxExpansion` times that size (or
 *    `ratioMinBytes`, whichever is more). Gzip reaches 1032:1 at most, so a bomb that keeps under the ratio limit
 *    still stops here, long before its end;
 *  - the ratio against the compressed bytes the decompressor has actually taken in (not what was read ahead),
 *    once `ratioMinBytes` are out: the classic zero-filled bomb stops after `ratioMinBytes`.
 * A small layer of very compressible text (under `ratioMinBytes`) passes both.
 */
function outputGuard(limits: LayerLimits, what: string, declared: number | undefined): OutputGuard {
  const cap = declared !== undefined && declared > 0 ? Math.min(limits.maxBytes, Math.max(limits.ratioMinBytes, declared * limits.maxExpansion)) : limits.maxBytes;
  return (produced, consumed) => {
    if (produced > limits.ratioMinBytes && produced / Math.max(1, consumed) > limits.maxRatio) {
      throw new LayerError(`${what}: compression ratio above ${limits.maxRatio}:1 after ${produced} bytes (decompression bomb)`);
    }
    if (produced > cap) {
      throw new LayerError(
        cap < limits.maxBytes
          ? `${what}: expands beyond ${cap} bytes, more than ${limits.maxExpansion} times the ${declared} bytes its descriptor declares (decompression bomb)`
          : `${what}: expands beyond ${limits.maxBytes} bytes (decompression bomb?); raise the limit if the image is genuine`,
      );
    }
  };
}

/** The uncompressed tar: counted, hashed (diff_id) and, for compressed layers, held to the output guard. */
async function* counted(src: AsyncIterable<Buffer>, hash: Hash | undefined, stats: LayerEntryStream['stats'], guard: OutputGuard | undefined, consumed: Consumed): AsyncGenerator<Buffer> {
  for await (const b of src) {
    stats.uncompressedBytes += b.length;
    hash?.update(b);
    guard?.(stats.uncompressedBytes, consumed.bytes);
    yield b;
  }
}

async function* copies(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const c of src) yield Buffer.from(c);
}

/** A tar member as a LayerEntry; its content is read from the shared reader (skipped when nobody reads it). */
class TarLayerEntry implements LayerEntry {
  opened?: Readable;
  constructor(
    readonly meta: EntryMeta,
    readonly rawPath: string,
    private readonly reader: TarReader,
    readonly transient: boolean,
  ) {}
  get stream(): Readable {
    // a stream reads ahead (it buffers chunks): over reused read buffers it gets copies
    this.opened ??= Readable.from(this.transient ? copies(this.reader.content()) : this.reader.content());
    return this.opened;
  }
  chunks(): AsyncIterable<Buffer> {
    return this.reader.content();
  }
  wholeNow(): Buffer | undefined {
    return this.reader.tryContent();
  }
}

export interface BlobLayerOptions {
  limits?: Partial<LayerLimits>;
  /** a label for errors, e.g. "layer 3 (sha256:ab12...)" */
  label?: string;
  /** false when `ref.digest` is not the digest of the stored bytes (legacy docker-archive `layer.tar`) */
  verifyRaw?: boolean;
  /** compute sha256 of the stored and of the uncompressed bytes even with nothing to check (stats.digest/diffId) */
  compute?: boolean;
  /**
   * false: gzip through node:zlib's stream, with a fresh buffer per chunk, instead of inflating into reused ones
   * (inflate-ring.ts); both give the same entries (tests compare them)
   */
  reuseBuffers?: boolean;
}

export function layerLabel(ref: LayerRef): string {
  const d = ref.digest || ref.diffId || '';
  return `layer ${ref.index + 1}${d ? ` (${d.slice(0, 19)})` : ''}`;
}

/**
 * Read one layer blob (bytes as stored) as entries. `open` is called once, when iteration starts.
 * Digest checks: `ref.digest` against the stored bytes, `ref.diffId` against the uncompressed tar.
 */
export function blobLayerEntries(open: (ring: ChunkRing) => Promise<AsyncIterable<Buffer> | Iterable<Buffer>>, ref: LayerRef, opts: BlobLayerOptions = {}): LayerEntryStream {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const what = opts.label ?? layerLabel(ref);
  const warnings: string[] = [];
  const stats: LayerEntryStream['stats'] = { compressedBytes: 0, uncompressedBytes: 0, compression: 'none' };
  async function* gen(): AsyncGenerator<LayerEntry> {
    // a source that reads through the ring takes its chunks from it once it is enabled: for an uncompressed tar
    const ring = new ChunkRing();
    const src = await open(ring);
    const rawHashSpec = opts.verifyRaw === false ? undefined : (hashFor(ref.digest) ?? (opts.compute ? { algo: 'sha256', hex: '' } : undefined));
    const diffSpec = hashFor(ref.diffId) ?? (opts.compute ? { algo: 'sha256', hex: '' } : undefined);
    const rawHash = rawHashSpec ? createHash(rawHashSpec.algo) : undefined;
    const rawIt = rawWithDigest(src, rawHash, stats, ref.size, what)[Symbol.asyncIterator]();
    const first = await rawIt.next();
    const firstBuf = first.done ? Buffer.alloc(0) : first.value;
    const compression = sniffCompression(firstBuf);
    stats.compression = compression;
    const raw = first.done ? (async function* () {})() : prepend(firstBuf, rawIt);
    // a blob larger than its descriptor says is not the blob it names
    const declared = ref.size;
    const consumed: Consumed = { bytes: 0 };
    const guard = outputGuard(limits, what, declared);
    // gzip: inflated on this thread into reused buffers (inflate-ring.ts), which holds no input chunk past the next
    // one either; the stream is the fallback where node:zlib does not expose its engine
    const ringGzip = compression === 'gzip' && opts.reuseBuffers !== false && syncInflateSupported();
    const plain =
      compression === 'gzip'
        ? ringGzip
          ? gunzipRing(raw, what, consumed)
          : gunzip(raw, what, consumed)
        : compression === 'zstd'
          ? unzstd(raw, what, guard, consumed)
          : raw;
    // when the stored bytes are the tar itself and both digests agree, one hash is enough
    const sameHash = compression === 'none' && diffSpec && rawHashSpec && (ref.diffId === ref.digest || (opts.compute && !ref.digest && !ref.diffId));
    const diffHash = diffSpec && !sameHash ? createHash(diffSpec.algo) : undefined;
    if (compression === 'none') consumed.bytes = Number.MAX_SAFE_INTEGER;
    // the tar reader and its entries' consumers hold no chunk past the next one (what they keep, they copy)
    if ((compression === 'none' || ringGzip) && ring.accepted) ring.enabled = true;
    const transient = (compression === 'none' && ring.enabled) || ringGzip;
    const tar = new TarReader(counted(plain, diffHash, stats, compression === 'none' ? maxOnly(limits, what) : guard, consumed));
    let count = 0;
    let pending: TarLayerEntry | undefined;
    // a consumer that stops early (a second read for hardlinks ends after the last target it needs) leaves the blob unread: its
    // source is closed now (the file handle), not when a collection finds it. Stopped at a `yield`, nothing below is
    // reading, and the close is awaited; after an error it is only started (a read in flight, such as node:zlib's
    // stream pulling the source, would hold it up)
    let ended = false;
    let failed = false;
    try {
      for (;;) {
        const open = pending?.opened;
        if (open && !open.readableEnded) {
          open.resume();
          await finished(open).catch(() => undefined);
        }
        pending = undefined;
        let h: TarHeader | null;
        try {
          h = await tar.next();
        } catch (e) {
          if (e instanceof TarError) throw new LayerError(`${what}: ${e.message}`);
          throw e;
        }
        if (!h) break;
        if (++count > limits.maxEntries) throw new LayerError(`${what}: more than ${limits.maxEntries} entries (limit; raise it if the image is genuine)`);
        const rawPath = decodeName(h.name);
        const n = normalizePath(rawPath);
        if (n.escaped) {
          warnings.push(`entry '${rawPath}' escapes the layer root: ignored`);
          continue;
        }
        if (n.absolute) warnings.push(`entry '${rawPath}' has an absolute name: read as '${n.path}'`);
        if (n.path === '') continue; // the root directory itself
        const meta: EntryMeta = {
          path: n.path,
          type: h.type,
          mode: h.mode & 0o7777,
          uid: h.uid,
          gid: h.gid,
          size: h.size,
        };
        if (h.mtime) meta.mtime = h.mtime;
        if (h.type === 'char' || h.type === 'block') {
          meta.devmajor = h.devmajor;
          meta.devminor = h.devminor;
        }
        if (h.type === 'hardlink') {
          const ln = normalizePath(decodeName(h.linkname));
          if (ln.escaped || ln.path === '') {
            warnings.push(`hardlink '${n.path}' points outside the layer root ('${decodeName(h.linkname)}'): ignored`);
            continue;
          }
          meta.linkname = ln.path;
        } else if (h.type === 'symlink') {
          const target = decodeName(h.linkname);
          meta.linkname = target;
          if (!target.startsWith('/')) {
            const dir = n.path.split('/').slice(0, -1).join('/');
            if (normalizePath(`${dir}/${target}`).escaped) warnings.push(`symlink '${n.path}' -> '${target}' points above the root (it is resolved inside the root only)`);
          }
        }
        const entry = new TarLayerEntry(meta, rawPath, tar, transient);
        pending = entry;
        yield entry;
      }
      // the tar's end-of-archive blocks are read; make sure the rest of the blob went through the hashes
      if (rawHash && rawHashSpec) {
        for (;;) {
          const r = await rawIt.next().catch((e) => {
            throw e;
          });
          if (r.done) break;
        }
        const got = rawHash.digest('hex');
        stats.digest = `${rawHashSpec.algo}:${got}`;
        if (sameHash) stats.diffId = stats.digest;
        if (rawHashSpec.hex && got !== rawHashSpec.hex) throw new LayerError(`${what}: digest mismatch: the manifest says ${ref.digest}, the blob is ${rawHashSpec.algo}:${got}`);
      }
      if (diffHash && diffSpec) {
        const got = diffHash.digest('hex');
        stats.diffId = `${diffSpec.algo}:${got}`;
        if (diffSpec.hex && got !== diffSpec.hex) throw new LayerError(`${what}: diff_id mismatch: the config says ${ref.diffId}, the uncompressed layer is ${diffSpec.algo}:${got}`);
      }
      ended = true;
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      if (failed) void rawIt.return?.(undefined).catch(() => undefined);
      else if (!ended) await rawIt.return?.(undefined).catch(() => undefined);
    }
  }
  return { warnings, stats, [Symbol.asyncIterator]: () => gen() };
}
