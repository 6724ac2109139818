/**
 * One pass over one layer: every entry's metadata, whiteouts and opaque directories, and each analyzer's output
 * for the files it wants. Used as is on the main thread (`scan.ts`) and inside the walker's worker threads
 * (`walk-worker.ts`), so both give the same result by construction.
 *
 * Content handling: a wanted file is buffered once, capped at the largest `maxFileSize` of the analyzers that
 * want it; analyzers with `stream` instead see the bytes as they go by (nothing is held for them); content no
 * analyzer wants is skipped without a copy. Small wanted files are kept (within a budget) for hardlinks to them;
 * a hardlink whose target was not kept is served by a second read of the layer (`resolveLinks`).
 */
import { isMainThread } from 'node:worker_threads';
import { capYoungGeneration } from '../core/gc.js';
import type { EntryMeta, LayerEntries, LayerEntry } from '../sources/types.js';
import type { AnalyzerContext, FileSink, LayerAnalyzer } from './types.js';

export const DEFAULT_MAX_FILE = 8 * 1024 * 1024;

/** Contents kept for hardlinks to them: small files only, within a budget (else a second read serves them). */
const KEEP_FILE_MAX = 256 * 1024;
const KEEP_TOTAL_MAX = 8 * 1024 * 1024;

export interface Walked {
  entries: EntryMeta[];
  whiteouts: string[];
  opaqueDirs: string[];
  /** analyzer name -> path -> output */
  analyses: Record<string, Record<string, unknown>>;
  warnings: string[];
  uncompressedSize: number;
  /**
   * wanted hardlinks whose target's content was not kept; `at`: the link's index in `entries`, `targetAt`: the index
   * of the entry it names (the last regular file of that path before the link)
   */
  unresolvedLinks: Array<{ meta: EntryMeta; analyzers: LayerAnalyzer[]; at: number; targetAt: number }>;
}

/** The entry metadata as a compact tuple (the cache and the worker threads exchange entries in this form). */
export type CompactEntry = [string, string, number, number, number, number, string?, number?, number?, number?];

export function compact(m: EntryMeta): CompactEntry {
  const e: CompactEntry = [m.path, m.type, m.mode, m.uid, m.gid, m.size];
  if (m.linkname !== undefined || m.mtime !== undefined || m.devmajor !== undefined) {
    e.push(m.linkname ?? '', m.mtime ?? 0);
    if (m.devmajor !== undefined) e.push(m.devmajor, m.devminor ?? 0);
  }
  return e;
}

export function expand(e: CompactEntry): EntryMeta {
  const m: EntryMeta = { path: e[0], type: e[1] as EntryMeta['type'], mode: e[2], uid: e[3], gid: e[4], size: e[5] };
  if (e.length > 6) {
    if (e[6]) m.linkname = e[6];
    if (e[7]) m.mtime = e[7];
    if (e.length > 8) {
      m.devmajor = e[8];
      m.devminor = e[9];
    }
  }
  return m;
}

/**
 * A layer's entries packed for the worker threads' replies and the layer cache: the strings of every entry (type,
 * path, and the link name when `compact` would keep one) joined by NUL, which no tar name holds (C strings), and the
 * numbers in one Float64Array (exact for every integer a tar header gives), PACKED_NUMS per entry. One string and one
 * typed array instead of an object or an array per entry: the reply of a layer of 90,000 files is a 5 MB copy, not
 * 90,000 cloned arrays, and the cache reads back without a JSON parse. A name that does hold a NUL (hostile PAX
 * records) makes `json` true: the strings are then a JSON array. `unpack(pack(e))` gives exactly `e.map(compact).map(expand)`.
 */
export interface PackedEntries {
  count: number;
  strings: string;
  json?: boolean;
  numbers: Float64Array;
}

export const PACKED_NUMS = 8;

export function pack(entries: EntryMeta[]): PackedEntries {
  const numbers = new Float64Array(entries.length * PACKED_NUMS);
  const parts: string[] = [];
  let nul = false;
  let j = 0;
  for (const m of entries) {
    parts.push(m.type, m.path);
    if (m.path.includes('\0')) nul = true;
    numbers[j] = m.mode;
    numbers[j + 1] = m.uid;
    numbers[j + 2] = m.gid;
    numbers[j + 3] = m.size;
    if (m.linkname !== undefined || m.mtime !== undefined || m.devmajor !== undefined) {
      const ln = m.linkname ?? '';
      if (ln.includes('\0')) nul = true;
      parts.push(ln);
      numbers[j + 4] = m.devmajor !== undefined ? 2 : 1;
      numbers[j + 5] = m.mtime ?? 0;
      if (m.devmajor !== undefined) {
        numbers[j + 6] = m.devmajor;
        numbers[j + 7] = m.devminor ?? 0;
      }
    }
    j += PACKED_NUMS;
  }
  return nul ? { count: entries.length, strings: JSON.stringify(parts), json: true, numbers } : { count: entries.length, strings: parts.join('\0'), numbers };
}

/**
 * A number read from a Float64Array is a double: stored in an object field as is, V8 boxes it (a 16-byte heap
 * number per field, 750,000 of them for a 150,000-entry image). Small integers are handed over as int32, as JSON.parse
 * and the tar reader give them.
 */
function num(v: number): number {
  return (v | 0) === v ? v | 0 : v;
}

/** The entry types as shared constants (split() would make a string per entry). */
const TYPES = new Map<string, EntryMeta['type']>((['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'other'] as const).map((t) => [t, t]));

/** The entries of `pack`, as `expand` would give them; throws on a record that does not add up. */
export function unpack(p: PackedEntries): EntryMeta[] {
  const n = p.count;
  if (p.numbers.length !== n * PACKED_NUMS) throw new Error('packed entries: wrong number count');
  const s: unknown = n === 0 ? [] : p.json ? JSON.parse(p.strings) : p.strings.split('\0');
  if (!Array.isArray(s)) throw new Error('packed entries: strings');
  const nums = p.numbers;
  const out: EntryMeta[] = new Array(n);
  let k = 0;
  for (let i = 0, j = 0; i < n; i++, j += PACKED_NUMS) {
    const t = s[k++] as string;
    const path = s[k++] as string;
    if (typeof path !== 'string' || typeof t !== 'string') throw new Error('packed entries: too few strings');
    const type = TYPES.get(t) ?? (t as EntryMeta['type']);
    const mode = num(nums[j]!);
    const uid = num(nums[j + 1]!);
    const gid = num(nums[j + 2]!);
    const size = num(nums[j + 3]!);
    const extra = nums[j + 4];
    let m: EntryMeta;
    if (!extra) m = { path, type, mode, uid, gid, size };
    else {
      const linkname = s[k++] as string;
      if (typeof linkname !== 'string') throw new Error('packed entries: too few strings');
      const mtime = num(nums[j + 5]!);
      // one literal per shape: properties added one by one would give every object a separate property array
      if (linkname && mtime) m = { path, type, mode, uid, gid, size, linkname, mtime };
      else if (linkname) m = { path, type, mode, uid, gid, size, linkname };
      else if (mtime) m = { path, type, mode, uid, gid, size, mtime };
      else m = { path, type, mode, uid, gid, size };
      if (extra === 2) {
        m.devmajor = num(nums[j + 6]!);
        m.devminor = num(nums[j + 7]!);
      }
    }
    out[i] = m;
  }
  if (k !== s.length) throw new Error('packed entries: too many strings');
  return out;
}

interface Got {
  content: Buffer;
  truncated: boolean;
  /** the content is a view into a read buffer that is reused a few chunks later (valid only until the walk reads on) */
  transient?: boolean;
}

interface OpenSink {
  analyzer: LayerAnalyzer;
  sink: FileSink;
  /** false once the sink declined more bytes (push returned false) or failed */
  live: boolean;
}

function chunksOf(entry: LayerEntry): AsyncIterable<Buffer> {
  return entry.chunks ? entry.chunks() : (entry.stream as AsyncIterable<Buffer>);
}

/**
 * Read one entry's content once: buffered up to `cap` bytes (0: not buffered) and pushed to `sinks` as it goes by.
 * The whole content is always consumed, so the next entry of a tar stream lines up.
 */
export async function readContent(entry: LayerEntry, cap: number, sinks: OpenSink[], warnings: string[]): Promise<Got | undefined> {
  const size = entry.meta.size;
  const buffered = cap > 0;
  // the whole file already in the reader's buffer (most files): what the loop below does with one chunk, without
  // an async iteration
  const one = size > 0 ? entry.wholeNow?.() : undefined;
  if (one !== undefined) return readOne(entry, one, cap, sinks, warnings);
  /**
   * a file that arrives in one piece is handed over as that piece, without a copy, also when the chunks are
   * transient: the analyzers run before the walk reads on (LayerAnalyzer.analyze), and what is kept is copied
   */
  let whole: Buffer | undefined;
  let buf: Buffer | undefined;
  let got = 0;
  let truncated = size > cap;
  let offset = 0;
  let live = sinks.length;
  for await (const c of chunksOf(entry)) {
    if (live) {
      for (const s of sinks) {
        if (!s.live) continue;
        let more: boolean | void;
        try {
          more = s.sink.push(c, offset);
        } catch (e) {
          warnings.push(`analyzer ${s.analyzer.name} failed on '${entry.meta.path}': ${(e as Error).message}`);
          more = false;
        }
        if (more === false) {
          s.live = false;
          live--;
        }
      }
    }
    if (!buffered) {
      offset += c.length;
      continue;
    }
    if (offset === 0 && c.length === size && size <= cap) {
      whole = c;
      offset += c.length;
      got = c.length;
      continue;
    }
    if (whole) {
      // more bytes than announced (a file source that grew): fall back to a copy
      buf = Buffer.allocUnsafe(Math.min(cap, Math.max(whole.length * 2, whole.length + c.length)));
      whole.copy(buf, 0);
      whole = undefined;
    }
    offset += c.length;
    // one buffer of the announced size (no chunk list + concat)
    buf ??= Buffer.allocUnsafe(Math.min(size, cap));
    if (got >= cap) {
      truncated = true;
      continue; // keep draining so the next entry lines up
    }
    const take = Math.min(c.length, cap - got);
    if (got + take > buf.length) {
      // more bytes than announced (a file source that grew): grow, still capped
      const bigger = Buffer.allocUnsafe(Math.min(cap, Math.max(got + take, buf.length * 2)));
      buf.copy(bigger, 0, 0, got);
      buf = bigger;
    }
    c.copy(buf, got, 0, take);
    got += take;
    if (take < c.length) truncated = true;
  }
  if (!buffered) return undefined;
  if (whole) return entry.transient ? { content: whole, truncated: false, transient: true } : { content: whole, truncated: false };
  if (!buf) return { content: Buffer.alloc(0), truncated };
  return { content: got === buf.length ? buf : buf.subarray(0, got), truncated };
}

/** `readContent` of a file that came whole in one piece `c` (its announced size, more than 0 bytes). */
function readOne(entry: LayerEntry, c: Buffer, cap: number, sinks: OpenSink[], warnings: string[]): Got | undefined {
  for (const s of sinks) {
    try {
      s.sink.push(c, 0);
    } catch (e) {
      warnings.push(`analyzer ${s.analyzer.name} failed on '${entry.meta.path}': ${(e as Error).message}`);
    }
  }
  if (cap <= 0) return undefined;
  if (c.length <= cap) return entry.transient ? { content: c, truncated: false, transient: true } : { content: c, truncated: false };
  const buf = Buffer.allocUnsafe(cap);
  c.copy(buf, 0, 0, cap);
  return { content: buf, truncated: true };
}

async function drain(entry: LayerEntry): Promise<void> {
  if (entry.chunks) return; // tar-backed: skipped by the reader itself
  for await (const _ of entry.stream) void _;
}

function safeWants(a: LayerAnalyzer, meta: EntryMeta, warnings: string[]): boolean {
  try {
    return a.wants(meta);
  } catch (e) {
    warnings.push(`analyzer ${a.name}: wants('${meta.path}') failed: ${(e as Error).message}`);
    return false;
  }
}

function openSinks(w: Walked, meta: EntryMeta, streaming: LayerAnalyzer[], ctx: AnalyzerContext): OpenSink[] {
  const out: OpenSink[] = [];
  for (const a of streaming) {
    try {
      out.push({ analyzer: a, sink: a.stream!(meta, ctx), live: true });
    } catch (e) {
      w.warnings.push(`analyzer ${a.name} failed on '${meta.path}': ${(e as Error).message}`);
    }
  }
  return out;
}

/** After the last byte: every sink's result (also of those that stopped early) is recorded under the path. */
function closeSinks(w: Walked, meta: EntryMeta, sinks: OpenSink[]): void {
  for (const s of sinks) {
    try {
      const r = s.sink.end();
      if (r !== undefined) (w.analyses[s.analyzer.name] ??= {})[meta.path] = r;
    } catch (e) {
      w.warnings.push(`analyzer ${s.analyzer.name} failed on '${meta.path}': ${(e as Error).message}`);
    }
  }
}

/** the context of one file: the walk's, with `truncated` set (made once per walk context and value) */
type FileContext = AnalyzerContext & { truncated: boolean };
const withTruncated = new WeakMap<AnalyzerContext, [FileContext, FileContext]>();
function contextWith(ctx: AnalyzerContext, truncated: boolean): FileContext {
  let pair = withTruncated.get(ctx);
  if (!pair) {
    pair = [{ ...ctx, truncated: false }, { ...ctx, truncated: true }];
    withTruncated.set(ctx, pair);
  }
  return pair[truncated ? 1 : 0];
}

/**
 * Run the buffering analyzers that want one file, right away (the content is dropped afterwards, so at most one
 * wanted file is in memory at a time, plus the small ones kept for hardlinks).
 */
async function analyzeFile(w: Walked, meta: EntryMeta, got: Got, wanting: LayerAnalyzer[], ctx: AnalyzerContext): Promise<void> {
  for (const a of wanting) {
    const cap = a.maxFileSize ?? DEFAULT_MAX_FILE;
    const content = got.content.length > cap ? got.content.subarray(0, cap) : got.content;
    const truncated = got.truncated || got.content.length > cap;
    try {
      // most analyzers answer at once: no await for them (one microtask less per analyzer and file)
      let r = a.analyze(meta, content, contextWith(ctx, truncated));
      if (r instanceof Promise) r = await r;
      if (r !== undefined) (w.analyses[a.name] ??= {})[meta.path] = r;
    } catch (e) {
      w.warnings.push(`analyzer ${a.name} failed on '${meta.path}': ${(e as Error).message}`);
    }
  }
}

/** Read a file for the analyzers that want it: buffered ones get its (capped) content, streaming ones its bytes as they pass. */
async function serveFile(w: Walked, entry: LayerEntry, meta: EntryMeta, wanting: LayerAnalyzer[], ctx: AnalyzerContext): Promise<Got | undefined> {
  const buffered = wanting.filter((a) => !a.stream);
  const streaming = wanting.filter((a) => a.stream);
  const sinks = openSinks(w, meta, streaming, ctx);
  const cap = buffered.length ? Math.max(...buffered.map((a) => a.maxFileSize ?? DEFAULT_MAX_FILE)) : 0;
  const got = await readContent(entry, cap, sinks, w.warnings);
  closeSinks(w, meta, sinks);
  if (got) await analyzeFile(w, meta, got, buffered, ctx);
  return got;
}

/** `serveNow`: the file cannot be served without waiting (`serveFile` serves it) */
const LATER = Symbol('later');

/**
 * `serveFile` without a promise, for most files: no analyzer streams, the whole file is in the reader's buffer
 * (`LayerEntry.wholeNow`) and every analyzer answers at once. Each `await` of the general path costs a promise and
 * a microtask per wanted file: on an image of 120,000 wanted files, about 0.1 s, and more in the collections of the
 * walk's young generation. LATER when this file needs `serveFile` (nothing is read then); a promise when an
 * analyzer answered with one (the rest of the file's analyzers run after it, in order, as in `analyzeFile`).
 */
function serveNow(w: Walked, entry: LayerEntry, meta: EntryMeta, wanting: LayerAnalyzer[], ctx: AnalyzerContext): Got | undefined | typeof LATER | Promise<Got | undefined> {
  if (meta.size <= 0 || !entry.wholeNow) return LATER;
  let cap = 0;
  for (const a of wanting) {
    if (a.stream) return LATER;
    const c = a.maxFileSize ?? DEFAULT_MAX_FILE;
    if (c > cap) cap = c;
  }
  const one = entry.wholeNow();
  if (one === undefined) return LATER;
  const got = readOne(entry, one, cap, [], w.warnings)!;
  for (let i = 0; i < wanting.length; i++) {
    const a = wanting[i]!;
    const acap = a.maxFileSize ?? DEFAULT_MAX_FILE;
    const content = got.content.length > acap ? got.content.subarray(0, acap) : got.content;
    const truncated = got.truncated || got.content.length > acap;
    try {
      const r = a.analyze(meta, content, contextWith(ctx, truncated));
      if (r instanceof Promise) {
        const rest = wanting.slice(i + 1);
        return r.then(
          (v) => settle(w, a, meta, v),
          (e) => failed(w, a, meta, e),
        ).then(() => analyzeFile(w, meta, got, rest, ctx)).then(() => got);
      }
      if (r !== undefined) (w.analyses[a.name] ??= {})[meta.path] = r;
    } catch (e) {
      failed(w, a, meta, e);
    }
  }
  return got;
}

function settle(w: Walked, a: LayerAnalyzer, meta: EntryMeta, r: unknown): void {
  if (r !== undefined) (w.analyses[a.name] ??= {})[meta.path] = r;
}

function failed(w: Walked, a: LayerAnalyzer, meta: EntryMeta, e: unknown): void {
  w.warnings.push(`analyzer ${a.name} failed on '${meta.path}': ${(e as Error).message}`);
}

/** Serve content already in memory (a kept hardlink target) to every analyzer that wants it. */
async function serveKept(w: Walked, meta: EntryMeta, got: Got, wanting: LayerAnalyzer[], ctx: AnalyzerContext): Promise<void> {
  const streaming = wanting.filter((a) => a.stream);
  const sinks = openSinks(w, meta, streaming, ctx);
  for (const s of sinks) {
    try {
      s.sink.push(got.content, 0);
    } catch (e) {
      w.warnings.push(`analyzer ${s.analyzer.name} failed on '${meta.path}': ${(e as Error).message}`);
    }
  }
  closeSinks(w, meta, sinks);
  await analyzeFile(
    w,
    meta,
    got,
    wanting.filter((a) => !a.stream),
    ctx,
  );
}

/**
 * One pass over a layer's entries: metadata, whiteouts, and the analyzers' outputs for the files they want.
 * `ctx.layer` is the layer being read; for one-pass sources that learn a layer's identity only at its end
 * it is provisional (index -1): analyzer outputs must not depend on it (they are cached by layer content).
 */
export async function walkEntries(entries: LayerEntries, analyzers: LayerAnalyzer[], ctx: AnalyzerContext, onBytes?: () => void): Promise<Walked> {
  const w: Walked = { entries: [], whiteouts: [], opaqueDirs: [], analyses: {}, warnings: [], uncompressedSize: 0, unresolvedLinks: [] };
  for (const a of analyzers) w.analyses[a.name] = {};
  /** content of small wanted regular files, for hardlinks to them */
  const kept = new Map<string, Got>();
  let keptBytes = 0;
  /** regular files seen so far, by path: their index in w.entries; built only once a hardlink shows up (rare) */
  let files: Map<string, number> | undefined;
  const links = new Map<string, string>();
  let n = 0;
  const wanting: LayerAnalyzer[] = [];
  for await (const entry of entries) {
    const meta = entry.meta;
    if ((++n & 4095) === 0) onBytes?.();
    // the main thread's young generation stops growing at the workers' size (core/gc.ts)
    if ((n & 511) === 0 && isMainThread) capYoungGeneration();
    const slash = meta.path.lastIndexOf('/');
    const base = slash === -1 ? meta.path : meta.path.slice(slash + 1);
    if (base.startsWith('.wh.')) {
      const dir = slash === -1 ? '' : meta.path.slice(0, slash);
      if (base === '.wh..wh..opq') w.opaqueDirs.push(dir);
      else if (!base.startsWith('.wh..wh.')) {
        const name = base.slice(4);
        if (name) w.whiteouts.push(dir ? `${dir}/${name}` : name);
      }
      if (!entry.chunks) await drain(entry); // tar-backed: skipped by the reader, no await
      continue;
    }
    w.entries.push(meta);
    if (meta.type === 'file') {
      files?.set(meta.path, w.entries.length - 1);
      wanting.length = 0;
      for (const a of analyzers) if (safeWants(a, meta, w.warnings)) wanting.push(a);
      if (wanting.length) {
        let got = serveNow(w, entry, meta, wanting, ctx);
        if (got === LATER) got = await serveFile(w, entry, meta, wanting, ctx);
        else if (got instanceof Promise) got = await got;
        if (got && got.content.length <= KEEP_FILE_MAX && keptBytes + got.content.length <= KEEP_TOTAL_MAX) {
          // a view into a reused read buffer, or into a larger piece of the stream, is copied: kept, the first
          // would change under it, the second would keep the piece
          const content = got.transient || got.content.byteLength < got.content.buffer.byteLength ? Buffer.from(got.content) : got.content;
          kept.set(meta.path, { content, truncated: got.truncated });
          keptBytes += content.length;
        }
      } else if (!entry.chunks) await drain(entry);
    } else if (meta.type === 'hardlink' && meta.linkname) {
      // follow hardlink chains to the regular file seen earlier in this layer (bounded)
      if (!files) {
        files = new Map();
        for (let i = 0; i < w.entries.length; i++) if (w.entries[i]!.type === 'file') files.set(w.entries[i]!.path, i);
      }
      let target = meta.linkname;
      for (let hops = 0; hops < 40 && !files.has(target); hops++) {
        const next = links.get(target);
        if (!next || next === target) break;
        target = next;
      }
      links.set(meta.path, meta.linkname);
      const targetAt = files.get(target);
      const tmeta = targetAt === undefined ? undefined : w.entries[targetAt];
      if (!tmeta) {
        w.warnings.push(`hardlink '${meta.path}' -> '${meta.linkname}': no such file earlier in the layer`);
        if (!entry.chunks) await drain(entry); // tar-backed: skipped by the reader, no await
        continue;
      }
      const asFile: EntryMeta = { ...tmeta, path: meta.path, type: 'file', linkname: target };
      const want = analyzers.filter((a) => safeWants(a, asFile, w.warnings));
      if (want.length) {
        const got = kept.get(target);
        // streaming analyzers need the whole file: a kept buffer that was truncated will not do
        if (got && !(got.truncated && want.some((a) => a.stream))) await serveKept(w, asFile, got, want, ctx);
        else w.unresolvedLinks.push({ meta: asFile, analyzers: want, at: w.entries.length - 1, targetAt: targetAt! });
      }
      if (!entry.chunks) await drain(entry); // tar-backed: skipped by the reader, no await
    } else if (!entry.chunks) await drain(entry);
  }
  if (entries.warnings) w.warnings.push(...entries.warnings);
  w.uncompressedSize = entries.stats?.uncompressedBytes ?? 0;
  return w;
}

/**
 * Second pass for wanted hardlinks whose target's content was not kept: read just those targets. A link names its
 * target as the layer had it when the link came (the last regular file of that path before it; a later one is
 * another file): the first pass recorded which entry that is (`targetAt`), so each target entry is read once for
 * the links that name it, however often its path recurs (linear in the layer, also for a hostile one that repeats
 * a target and a link to it), and the read stops at the last such entry: a layer's hardlinks are mostly in its
 * binary directories, which sort early (a Debian base layer's `usr/bin/perl5.36.0`).
 */
export async function resolveLinks(reopen: () => LayerEntries, w: Walked, ctx: AnalyzerContext): Promise<void> {
  if (w.unresolvedLinks.length === 0) return;
  const byTarget = new Map<number, Walked['unresolvedLinks']>();
  let last = -1;
  for (const l of w.unresolvedLinks) {
    const list = byTarget.get(l.targetAt);
    if (list) list.push(l);
    else byTarget.set(l.targetAt, [l]);
    if (l.targetAt > last) last = l.targetAt;
  }
  const served = new Set<number>();
  // the index each entry has in `w.entries`: walkEntries records every entry but the whiteouts
  let i = -1;
  for await (const entry of reopen()) {
    const path = entry.meta.path;
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (!base.startsWith('.wh.')) i++;
    const list = base.startsWith('.wh.') ? undefined : byTarget.get(i);
    if (!list || entry.meta.type !== 'file' || path !== list[0]!.meta.linkname) {
      if (!entry.chunks) await drain(entry); // tar-backed: skipped by the reader, no await
      if (i >= last) break;
      continue;
    }
    served.add(i);
    const buffered = [...new Set(list.flatMap((l) => l.analyzers.filter((a) => !a.stream)))];
    const cap = buffered.length ? Math.max(...buffered.map((a) => a.maxFileSize ?? DEFAULT_MAX_FILE)) : 0;
    // every link gets its own sinks (outputs are per path); the content is read once
    const perLink = list.map((l) => ({ l, sinks: openSinks(w, l.meta, l.analyzers.filter((a) => a.stream), ctx) }));
    const got = await readContent(entry, cap, perLink.flatMap((p) => p.sinks), w.warnings);
    for (const { l, sinks } of perLink) {
      closeSinks(w, l.meta, sinks);
      if (got)
        await analyzeFile(
          w,
          l.meta,
          got,
          l.analyzers.filter((a) => !a.stream),
          ctx,
        );
    }
  }
  for (const l of w.unresolvedLinks) {
    if (!served.has(l.targetAt)) w.warnings.push(`hardlink '${l.meta.path}': target '${l.meta.linkname}' not found on a second read`);
  }
  w.unresolvedLinks = [];
}
