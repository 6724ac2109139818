/**
 * The layer walker. Streams every layer once, records its entries, whiteouts and opaque directories, hands
 * each analyzer only the files it wants (content buffered only for those, capped at the analyzer's
 * maxFileSize), caches all of it per layer on disk, and stacks the layers into the final filesystem.
 * A warm rescan whose every requested analyzer is cached never opens a layer stream.
 */
import type { EntryMeta, LayerEntries, LayerEntry, LayerRef, OpenedImage } from '../sources/types.js';
import type { AnalyzerContext, ImageScan, LayerAnalyzer, LayerResult } from './types.js';
import { availableParallelism } from 'node:os';
import { LayerCache } from './cache.js';
import { stackLayers } from './final.js';

/** Bump when the entries index format or the walker's semantics change (invalidates cached indexes). */
export const WALKER_VERSION = 1;
const DEFAULT_MAX_FILE = 8 * 1024 * 1024;

export interface ScanProgress {
  /** 0-based layer index */
  layer: number;
  layers: number;
  /** bytes of the current layer blob read so far */
  bytes: number;
  /** size of the current layer blob when known */
  layerBytes?: number;
  cached: boolean;
  done: boolean;
}

export interface ScanOptions {
  /** cache root (default: cacheRoot()) */
  cacheDir?: string;
  noCache?: boolean;
  onProgress?: (e: ScanProgress) => void;
  /** layers walked at once for random-access sources (default: 2, or 1 on a single CPU) */
  concurrency?: number;
}

/** Statistics of the last scan, for tests and the bench. */
export interface ScanStats {
  layersStreamed: number;
  layersFromCache: number;
}

export const lastScanStats: ScanStats = { layersStreamed: 0, layersFromCache: 0 };

/** The cache key of a layer: its uncompressed content digest when known (the same layer compressed or not shares it), else the blob digest. */
export function layerCacheKey(layer: LayerRef): string | undefined {
  return LayerCache.keyOf(layer.diffId) ?? LayerCache.keyOf(layer.digest);
}

type CompactEntry = [string, string, number, number, number, number, string?, number?, number?, number?];

interface CachedIndex {
  entries: CompactEntry[];
  whiteouts: string[];
  opaqueDirs: string[];
  uncompressedSize: number;
  warnings: string[];
}

function isIndex(v: unknown): v is CachedIndex {
  const o = v as CachedIndex;
  return !!o && Array.isArray(o.entries) && Array.isArray(o.whiteouts) && Array.isArray(o.opaqueDirs) && typeof o.uncompressedSize === 'number' && Array.isArray(o.warnings);
}
function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function compact(m: EntryMeta): CompactEntry {
  const e: CompactEntry = [m.path, m.type, m.mode, m.uid, m.gid, m.size];
  if (m.linkname !== undefined || m.mtime !== undefined || m.devmajor !== undefined) {
    e.push(m.linkname ?? '', m.mtime ?? 0);
    if (m.devmajor !== undefined) e.push(m.devmajor, m.devminor ?? 0);
  }
  return e;
}

function expand(e: CompactEntry): EntryMeta {
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

interface Walked {
  entries: EntryMeta[];
  whiteouts: string[];
  opaqueDirs: string[];
  /** analyzer name -> path -> output */
  analyses: Record<string, Record<string, unknown>>;
  warnings: string[];
  uncompressedSize: number;
  /** wanted hardlinks whose target's content was not kept */
  unresolvedLinks: Array<{ meta: EntryMeta; analyzers: LayerAnalyzer[] }>;
}

/** Contents kept for hardlinks to them: small files only, within a budget (else a second read serves them). */
const KEEP_FILE_MAX = 256 * 1024;
const KEEP_TOTAL_MAX = 8 * 1024 * 1024;

async function readCapped(entry: LayerEntry, cap: number): Promise<{ content: Buffer; truncated: boolean }> {
  // one buffer of the announced size (no chunk list + concat: big wanted files, e.g. ELF binaries, peak once)
  const want = Math.min(entry.meta.size, cap);
  let buf = Buffer.allocUnsafe(want);
  let got = 0;
  let truncated = entry.meta.size > cap;
  const src: AsyncIterable<Buffer> = entry.chunks ? entry.chunks() : (entry.stream as AsyncIterable<Buffer>);
  for await (const c of src) {
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
  return { content: got === buf.length ? buf : buf.subarray(0, got), truncated };
}

async function drain(entry: LayerEntry): Promise<void> {
  if (entry.chunks) return; // tar-backed: skipped by the reader itself
  for await (const _ of entry.stream) void _;
}

/**
 * Run the analyzers that want one file, right away (the content is dropped afterwards, so at most one
 * wanted file is in memory at a time, plus the small ones kept for hardlinks).
 */
async function analyzeFile(w: Walked, meta: EntryMeta, got: { content: Buffer; truncated: boolean }, wanting: LayerAnalyzer[], ctx: AnalyzerContext): Promise<void> {
  for (const a of wanting) {
    const cap = a.maxFileSize ?? DEFAULT_MAX_FILE;
    const content = got.content.length > cap ? got.content.subarray(0, cap) : got.content;
    const truncated = got.truncated || got.content.length > cap;
    try {
      const r = await a.analyze(meta, content, { ...ctx, truncated });
      if (r !== undefined) (w.analyses[a.name] ??= {})[meta.path] = r;
    } catch (e) {
      w.warnings.push(`analyzer ${a.name} failed on '${meta.path}': ${(e as Error).message}`);
    }
  }
}

/**
 * One pass over a layer's entries: metadata, whiteouts, and the analyzers' outputs for the files they want.
 * `ctx.layer` is the layer being read; for one-pass sources that learn a layer's identity only at its end
 * it is provisional (index -1): analyzer outputs must not depend on it (they are cached by layer content).
 */
async function walkEntries(entries: LayerEntries, analyzers: LayerAnalyzer[], ctx: AnalyzerContext, onBytes?: () => void): Promise<Walked> {
  const w: Walked = { entries: [], whiteouts: [], opaqueDirs: [], analyses: {}, warnings: [], uncompressedSize: 0, unresolvedLinks: [] };
  for (const a of analyzers) w.analyses[a.name] = {};
  /** content of small wanted regular files, for hardlinks to them */
  const kept = new Map<string, { content: Buffer; truncated: boolean }>();
  let keptBytes = 0;
  /** regular files seen so far, built only once a hardlink shows up (rare) */
  let files: Map<string, EntryMeta> | undefined;
  const links = new Map<string, string>();
  let n = 0;
  for await (const entry of entries) {
    const meta = entry.meta;
    if ((++n & 4095) === 0) onBytes?.();
    const slash = meta.path.lastIndexOf('/');
    const base = slash === -1 ? meta.path : meta.path.slice(slash + 1);
    if (base.startsWith('.wh.')) {
      const dir = slash === -1 ? '' : meta.path.slice(0, slash);
      if (base === '.wh..wh..opq') w.opaqueDirs.push(dir);
      else if (!base.startsWith('.wh..wh.')) {
        const name = base.slice(4);
        if (name) w.whiteouts.push(dir ? `${dir}/${name}` : name);
      }
      await drain(entry);
      continue;
    }
    w.entries.push(meta);
    if (meta.type === 'file') {
      files?.set(meta.path, meta);
      const wanting = analyzers.filter((a) => safeWants(a, meta, w.warnings));
      if (wanting.length) {
        const cap = Math.max(...wanting.map((a) => a.maxFileSize ?? DEFAULT_MAX_FILE));
        const got = await readCapped(entry, cap);
        if (got.content.length <= KEEP_FILE_MAX && keptBytes + got.content.length <= KEEP_TOTAL_MAX) {
          kept.set(meta.path, got);
          keptBytes += got.content.length;
        }
        await analyzeFile(w, meta, got, wanting, ctx);
      } else await drain(entry);
    } else if (meta.type === 'hardlink' && meta.linkname) {
      // follow hardlink chains to the regular file seen earlier in this layer (bounded)
      if (!files) {
        files = new Map();
        for (const e of w.entries) if (e.type === 'file') files.set(e.path, e);
      }
      let target = meta.linkname;
      for (let hops = 0; hops < 40 && !files.has(target); hops++) {
        const next = links.get(target);
        if (!next || next === target) break;
        target = next;
      }
      links.set(meta.path, meta.linkname);
      const tmeta = files.get(target);
      if (!tmeta) {
        w.warnings.push(`hardlink '${meta.path}' -> '${meta.linkname}': no such file earlier in the layer`);
        await drain(entry);
        continue;
      }
      const asFile: EntryMeta = { ...tmeta, path: meta.path, type: 'file', linkname: target };
      const wanting = analyzers.filter((a) => safeWants(a, asFile, w.warnings));
      if (wanting.length) {
        const got = kept.get(target);
        if (got) await analyzeFile(w, asFile, got, wanting, ctx);
        else w.unresolvedLinks.push({ meta: asFile, analyzers: wanting });
      }
      await drain(entry);
    } else await drain(entry);
  }
  if (entries.warnings) w.warnings.push(...entries.warnings);
  w.uncompressedSize = entries.stats?.uncompressedBytes ?? 0;
  return w;
}

function safeWants(a: LayerAnalyzer, meta: EntryMeta, warnings: string[]): boolean {
  try {
    return a.wants(meta);
  } catch (e) {
    warnings.push(`analyzer ${a.name}: wants('${meta.path}') failed: ${(e as Error).message}`);
    return false;
  }
}

/** Second pass for wanted hardlinks whose target's content was not kept: read just those targets. */
async function resolveLinks(image: OpenedImage, index: number, w: Walked, ctx: AnalyzerContext): Promise<void> {
  if (w.unresolvedLinks.length === 0) return;
  const byTarget = new Map<string, Array<{ meta: EntryMeta; analyzers: LayerAnalyzer[] }>>();
  for (const l of w.unresolvedLinks) {
    const list = byTarget.get(l.meta.linkname!) ?? [];
    list.push(l);
    byTarget.set(l.meta.linkname!, list);
  }
  const found = new Set<string>();
  for await (const entry of image.layerEntries(index)) {
    const list = byTarget.get(entry.meta.path);
    if (!list || entry.meta.type !== 'file') {
      await drain(entry);
      continue;
    }
    const cap = Math.max(...list.flatMap((l) => l.analyzers.map((a) => a.maxFileSize ?? DEFAULT_MAX_FILE)));
    const got = await readCapped(entry, cap);
    found.add(entry.meta.path);
    for (const l of list) await analyzeFile(w, l.meta, got, l.analyzers, ctx);
  }
  for (const l of w.unresolvedLinks) {
    if (!found.has(l.meta.linkname!)) w.warnings.push(`hardlink '${l.meta.path}': target '${l.meta.linkname}' not found on a second read`);
  }
  w.unresolvedLinks = [];
}

function fromCache(cache: LayerCache, key: string, analyzers: LayerAnalyzer[]): { index?: CachedIndex; analyses: Record<string, Record<string, unknown>>; missing: LayerAnalyzer[] } {
  const index = cache.get(key, '_entries', WALKER_VERSION, isIndex);
  const analyses: Record<string, Record<string, unknown>> = {};
  const missing: LayerAnalyzer[] = [];
  for (const a of analyzers) {
    const r = cache.get(key, a.name, a.version, isRecord);
    if (r) analyses[a.name] = r;
    else missing.push(a);
  }
  return { index, analyses, missing };
}

function toResult(layer: LayerRef, w: Walked, analyses: Record<string, Record<string, unknown>>): LayerResult {
  return {
    layer,
    entries: w.entries,
    whiteouts: w.whiteouts,
    opaqueDirs: w.opaqueDirs,
    analyses,
    uncompressedSize: w.uncompressedSize,
    warnings: w.warnings,
  };
}

function store(cache: LayerCache | undefined, key: string | undefined, w: Walked, analyses: Record<string, Record<string, unknown>>, ran: LayerAnalyzer[]): void {
  if (!cache || !key) return;
  const idx: CachedIndex = { entries: w.entries.map(compact), whiteouts: w.whiteouts, opaqueDirs: w.opaqueDirs, uncompressedSize: w.uncompressedSize, warnings: w.warnings };
  cache.put(key, '_entries', WALKER_VERSION, idx);
  for (const a of ran) cache.put(key, a.name, a.version, analyses[a.name] ?? {});
}

/**
 * Scan an opened image: one LayerResult per layer (bottom first), the final filesystem with per-file
 * layer attribution, and the hidden files. Analyzer names must be unique.
 */
export async function scanImage(image: OpenedImage, analyzers: LayerAnalyzer[], opts: ScanOptions = {}): Promise<ImageScan> {
  const names = new Set<string>();
  for (const a of analyzers) {
    if (names.has(a.name)) throw new Error(`two analyzers are named '${a.name}'`);
    names.add(a.name);
  }
  const cache = opts.noCache ? undefined : new LayerCache(opts.cacheDir);
  const total = image.layers.length;
  const results: Array<LayerResult | undefined> = new Array(total);
  const need = new Map<number, LayerAnalyzer[]>();
  lastScanStats.layersStreamed = 0;
  lastScanStats.layersFromCache = 0;

  for (const layer of image.layers) {
    const key = layerCacheKey(layer);
    if (cache && key) {
      const c = fromCache(cache, key, analyzers);
      if (c.index && c.missing.length === 0) {
        results[layer.index] = {
          layer,
          entries: c.index.entries.map(expand),
          whiteouts: c.index.whiteouts,
          opaqueDirs: c.index.opaqueDirs,
          analyses: c.analyses,
          uncompressedSize: c.index.uncompressedSize,
          warnings: c.index.warnings,
        };
        lastScanStats.layersFromCache++;
        opts.onProgress?.({ layer: layer.index, layers: total, bytes: layer.size ?? 0, layerBytes: layer.size, cached: true, done: true });
        continue;
      }
      // the entries index is rebuilt together with the missing analyzers; cached analyzers are reused
      need.set(layer.index, c.index ? c.missing : analyzers);
      continue;
    }
    need.set(layer.index, analyzers);
  }

  // the same layer twice in one image (e.g. empty layers): walk it once, share the result
  const dupOf = new Map<number, number>();
  const firstByKey = new Map<string, number>();
  for (const i of [...need.keys()].sort((a, b) => a - b)) {
    const l = image.layers[i]!;
    const key = l.diffId || l.digest;
    if (!key) continue;
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, i);
    else {
      dupOf.set(i, first);
      need.delete(i);
    }
  }

  const finish = async (layer: LayerRef, w: Walked, toRun: LayerAnalyzer[]): Promise<void> => {
    const key = layerCacheKey(layer);
    const analyses: Record<string, Record<string, unknown>> = {};
    const cached = cache && key ? fromCache(cache, key, analyzers.filter((a) => !toRun.includes(a))).analyses : {};
    for (const a of analyzers) analyses[a.name] = (toRun.includes(a) ? w.analyses[a.name] : cached[a.name]) ?? {};
    store(cache, key, w, analyses, toRun);
    results[layer.index] = toResult(layer, w, analyses);
    lastScanStats.layersStreamed++;
    opts.onProgress?.({ layer: layer.index, layers: total, bytes: layer.size ?? 0, layerBytes: layer.size, cached: false, done: true });
  };

  if (need.size > 0 && image.streamLayers) {
    const seen = new Set<number>();
    await image.streamLayers(new Set(need.keys()), async (s) => {
      const known = s.layer;
      const toRun = known ? (need.get(known.index) ?? []) : analyzers;
      const progress = () => opts.onProgress?.({ layer: known?.index ?? seen.size, layers: total, bytes: s.entries.stats?.compressedBytes ?? 0, layerBytes: known?.size, cached: false, done: false });
      const w = await walkEntries(s.entries, toRun, { layer: known ?? { index: -1, digest: '' }, imageName: image.name }, progress);
      const layer = known ?? s.identify();
      if (!layer || seen.has(layer.index) || !need.has(layer.index)) return;
      seen.add(layer.index);
      if (w.unresolvedLinks.length) {
        for (const l of w.unresolvedLinks) w.warnings.push(`hardlink '${l.meta.path}' -> '${l.meta.linkname}': target content not kept in a one-pass read`);
        w.unresolvedLinks = [];
      }
      // a speculatively walked layer ran every analyzer; keep only what this layer needed
      const want = need.get(layer.index)!;
      if (!known) for (const a of analyzers) if (!want.includes(a)) delete w.analyses[a.name];
      await finish(layer, w, want);
    });
    for (const i of need.keys()) if (!seen.has(i)) throw new Error(`layer ${i + 1} was not found in the image stream`);
  } else {
    // random-access sources: a few layers at once (gunzip runs on the libuv pool, so two layers use two cores)
    const queue = [...need];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [index, toRun] = next;
        const layer = image.layers[index]!;
        const entries = image.layerEntries(index);
        const progress = () => opts.onProgress?.({ layer: index, layers: total, bytes: entries.stats?.compressedBytes ?? 0, layerBytes: layer.size, cached: false, done: false });
        const ctx: AnalyzerContext = { layer, imageName: image.name };
        const w = await walkEntries(entries, toRun, ctx, progress);
        await resolveLinks(image, index, w, ctx);
        await finish(layer, w, toRun);
      }
    };
    const n = Math.max(1, Math.min(opts.concurrency ?? Math.min(2, availableParallelism()), queue.length));
    await Promise.all(Array.from({ length: n }, worker));
  }

  for (const [i, first] of dupOf) results[i] = { ...results[first]!, layer: image.layers[i]! };
  const layers = results as LayerResult[];
  const { final, hidden } = stackLayers(layers);
  return { image, layers, final, hidden };
}
