/**
 * The layer walker. Streams every layer once, records its entries, whiteouts and opaque directories, hands
 * each analyzer only the files it wants (content buffered only for those, capped at the analyzer's
 * maxFileSize, or streamed by for analyzers that read as the bytes pass), caches all of it per layer on disk,
 * and stacks the layers into the final filesystem. A warm rescan whose every requested analyzer is cached never
 * opens a layer stream.
 *
 * Where the layers are on local disk (`OpenedImage.layerBlob`) and every analyzer can be loaded in another thread
 * (`LayerAnalyzer.origin`), layers are walked in worker threads, as many at once as `concurrency` (default: the
 * cores, at most 2), biggest first: each worker reads, hashes, decompresses, parses and analyses its layer and
 * writes it to the cache, so the main thread only stacks the results. Otherwise (one-pass streams, analyzers
 * made at run time, small images where starting threads costs more than it saves) layers are walked on the main
 * thread, a few at once for random-access sources. Both run the same walk (`walk.ts`).
 */
import type { LayerBlob, LayerRef, OpenedImage } from '../sources/types.js';
import { walkBytesHint } from '../sources/blob-hint.js';
import type { AnalyzerContext, ImageScan, LayerAnalyzer, LayerResult } from './types.js';
import { LayerCache } from './cache.js';
import { LayerStack } from './final.js';
import { resolveLinks, unpack, walkEntries, type PackedEntries, type Walked } from './walk.js';
import { isRecord, readIndex, storeLayer, WALKER_VERSION, type CachedIndex } from './layer-index.js';
import { lastScanStats } from './stats.js';
import { capYoungGeneration, collectGarbage } from '../core/gc.js';
import { timed } from '../core/timing.js';
import { defaultConcurrency, WORKER_MIN_BYTES } from './prestart.js';
import type { Walkers } from './pool.js';

export { WALKER_VERSION };

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
  /** bytes of the whole image read so far (cached layers count as read): never goes down */
  doneBytes: number;
  /** bytes of the whole image (layer sizes, or the source's estimate), at least doneBytes; undefined when unknown */
  totalBytes?: number;
}

type LayerProgress = Omit<ScanProgress, 'doneBytes' | 'totalBytes'>;

/**
 * The image-wide progress of a walk: per-layer bytes (several layers at once) summed into one value that never goes
 * down, against a total from the layers' sizes or the source's estimate (never below the value).
 */
function progressTracker(image: OpenedImage, onProgress: ((e: ScanProgress) => void) | undefined): (e: LayerProgress) => void {
  if (!onProgress) return () => {};
  const sizes = image.layers.map((l) => l.size);
  const total = image.totalBytes ?? (sizes.every((n) => n !== undefined) ? sizes.reduce<number>((a, n) => a + n!, 0) : undefined);
  const perLayer = new Map<number, number>();
  let value = 0;
  return (e) => {
    const full = e.layerBytes ?? sizes[e.layer] ?? e.bytes;
    perLayer.set(e.layer, Math.max(perLayer.get(e.layer) ?? 0, e.done ? Math.max(full, e.bytes) : e.bytes));
    let sum = 0;
    for (const v of perLayer.values()) sum += v;
    value = Math.max(value, total !== undefined && !e.done ? Math.min(sum, total) : sum);
    onProgress({ ...e, doneBytes: value, ...(total !== undefined ? { totalBytes: Math.max(total, value) } : {}) });
  };
}

export interface ScanOptions {
  /** cache root (default: cacheRoot()) */
  cacheDir?: string;
  noCache?: boolean;
  onProgress?: (e: ScanProgress) => void;
  /** layers walked at once (default: the number of cores, at most 2) */
  concurrency?: number;
  /**
   * where layers are walked: 'auto' (default) uses worker threads when the source and analyzers allow it and the
   * layers to read add up to at least 32 MiB; 'threads' whenever allowed; 'main' always on the main thread.
   */
  walkIn?: 'auto' | 'threads' | 'main';
  /** paths left out of the entries (--skip-dirs / --skip-files; the analyzers were made blind to them already) */
  skipPath?: (path: string, isDir?: boolean) => boolean;
  /** worker threads started ahead (prestart.ts), used if the walk uses threads, stopped when it ends (the caller stops them on errors) */
  walkers?: Promise<Walkers | undefined>;
  /**
   * Called once, when the main thread has walked its share of the layers and waits on a thread that still walks:
   * the caller may load what it needs after the walk (its modules) in time the main thread would spend waiting.
   * What it starts must not throw into the walk (errors are the caller's, when it uses what it loaded).
   */
  onIdle?: () => void;
}

export { lastScanStats, type ScanStats } from './stats.js';

/** A layer of at least this many tar bytes walked on the main thread next to worker threads is followed by a full collection. */
const GC_AFTER_BYTES = 128 * 1024 * 1024;

/** The cache key of a layer: its uncompressed content digest when known (the same layer compressed or not shares it), else the blob digest. */
export function layerCacheKey(layer: LayerRef): string | undefined {
  return LayerCache.keyOf(layer.diffId) ?? LayerCache.keyOf(layer.digest);
}

function fromCache(cache: LayerCache, key: string, analyzers: LayerAnalyzer[]): { index?: CachedIndex; analyses: Record<string, Record<string, unknown>>; missing: LayerAnalyzer[] } {
  const index = readIndex(cache, key);
  const analyses: Record<string, Record<string, unknown>> = {};
  const missing: LayerAnalyzer[] = [];
  for (const a of analyzers) {
    const r = cache.get(key, a.cacheName ?? a.name, a.version, isRecord);
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
  storeLayer(cache, key, w, analyses, ran);
}

/**
 * Which layers to walk in worker threads, with where their bytes are: none unless the source locates layers on
 * disk, every analyzer of the layer can be loaded in a worker, and (for 'auto') there are enough bytes to read.
 */
async function workerPlan(image: OpenedImage, order: Array<[number, LayerAnalyzer[]]>, mode: 'auto' | 'threads' | 'main'): Promise<Map<number, LayerBlob>> {
  const out = new Map<number, LayerBlob>();
  if (mode === 'main' || !image.layerBlob) return out;
  let bytes = 0;
  for (const [index, toRun] of order) {
    if (!toRun.every((a) => a.origin)) continue;
    const blob = await image.layerBlob(index);
    if (!blob) continue;
    out.set(index, blob);
    bytes += blob.kind === 'file' ? blob.size : (blob.size ?? image.layers[index]!.size ?? WORKER_MIN_BYTES);
  }
  if (mode === 'auto' && bytes < WORKER_MIN_BYTES) out.clear();
  return out;
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
  const progress = progressTracker(image, opts.onProgress);
  // the first update comes as soon as the image is open: nothing read yet, the total known
  if (total) progress({ layer: 0, layers: total, bytes: 0, layerBytes: image.layers[0]!.size, cached: false, done: false });
  const results: Array<LayerResult | undefined> = new Array(total);
  /** the entries of layers walked in worker threads, as the workers sent them: unpacked once the walk is over */
  const packed = new Map<number, PackedEntries>();
  const need = new Map<number, LayerAnalyzer[]>();
  lastScanStats.layersStreamed = 0;
  lastScanStats.layersFromCache = 0;
  lastScanStats.layersInWorkers = 0;
  lastScanStats.layersStackedEarly = 0;

  for (const layer of image.layers) {
    const key = layerCacheKey(layer);
    if (cache && key) {
      const c = fromCache(cache, key, analyzers);
      if (c.index && c.missing.length === 0) {
        results[layer.index] = {
          layer,
          entries: c.index.entries,
          whiteouts: c.index.whiteouts,
          opaqueDirs: c.index.opaqueDirs,
          analyses: c.analyses,
          uncompressedSize: c.index.uncompressedSize,
          warnings: c.index.warnings,
        };
        lastScanStats.layersFromCache++;
        progress({ layer: layer.index, layers: total, bytes: layer.size ?? 0, layerBytes: layer.size, cached: true, done: true });
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
  // each layer as the stack sees it (--skip-dirs / --skip-files applied), made once
  const skip = opts.skipPath;
  const stacked: LayerResult[] = [];
  const layerAt = (i: number): LayerResult => {
    const r = results[i]!;
    return (stacked[i] ??= skip ? { ...r, entries: r.entries.filter((e) => !skip(e.path, e.type === 'dir')) } : r);
  };
  const stack = new LayerStack();
  /** stack the layers whose entries are here, in order, up to the first one still being walked */
  const stackReady = () => {
    for (let i = stack.added; i < total && results[i] && !packed.has(i) && !dupOf.has(i); i = stack.added) stack.add(layerAt(i));
  };
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

  /** the analyzers a layer did not run this time come from the cache */
  const cachedAnalyses = (key: string | undefined, toRun: LayerAnalyzer[]) => (cache && key && toRun.length < analyzers.length ? fromCache(cache, key, analyzers.filter((a) => !toRun.includes(a))).analyses : {});
  const merged = (ran: Record<string, Record<string, unknown>>, key: string | undefined, toRun: LayerAnalyzer[]) => {
    const cached = cachedAnalyses(key, toRun);
    const analyses: Record<string, Record<string, unknown>> = {};
    for (const a of analyzers) analyses[a.name] = (toRun.includes(a) ? ran[a.name] : cached[a.name]) ?? {};
    return analyses;
  };
  /** `read`: the layer's tar bytes, for a layer whose blob size the source does not give (an uncompressed stream) */
  const done = (layer: LayerRef, read: number) => {
    lastScanStats.layersStreamed++;
    progress({ layer: layer.index, layers: total, bytes: layer.size ?? read, layerBytes: layer.size ?? read, cached: false, done: true });
  };
  const finish = async (layer: LayerRef, w: Walked, toRun: LayerAnalyzer[]): Promise<void> => {
    const key = layerCacheKey(layer);
    const analyses = merged(w.analyses, key, toRun);
    store(cache, key, w, analyses, toRun);
    results[layer.index] = toResult(layer, w, analyses);
    done(layer, w.uncompressedSize);
  };
  const concurrency = Math.max(1, opts.concurrency ?? defaultConcurrency());

  if (need.size > 0 && image.streamLayers && !image.layerBlob) {
    const seen = new Set<number>();
    await image.streamLayers(new Set(need.keys()), async (s) => {
      const known = s.layer;
      const toRun = known ? (need.get(known.index) ?? []) : analyzers;
      const onBytes = () => progress({ layer: known?.index ?? seen.size, layers: total, bytes: s.entries.stats?.compressedBytes ?? 0, layerBytes: known?.size, cached: false, done: false });
      const w = await walkEntries(s.entries, toRun, { layer: known ?? { index: -1, digest: '' }, imageName: image.name }, onBytes);
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
  } else if (need.size > 0) {
    // biggest first: with layers of very different sizes, that keeps every worker busy until the end
    const mode = opts.walkIn ?? 'auto';
    const threaded = await workerPlan(image, [...need], mode);
    // by the bytes a walk goes through where the blob tells them (walkBytesHint), else by the blob's size where the
    // source gives one (the engine's storage knows its layers' sizes only from their tar-split files), else the layer's
    const sizes = new Map([...need.keys()].map((i) => {
      const b = threaded.get(i);
      return [i, (b && walkBytesHint(b)) ?? b?.size ?? image.layers[i]!.size ?? 0];
    }));
    const sizeOf = (i: number) => sizes.get(i)!;
    const order = [...need].sort((a, b) => sizeOf(b[0]) - sizeOf(a[0]) || a[0] - b[0]);
    const inMain = order.filter(([i]) => !threaded.has(i));
    const toThreads = order.filter(([i]) => threaded.has(i));
    let failed = false;
    /**
     * Set once the main thread, walking beside the workers, has run out of layers: it then waits on a worker's last
     * layer, and unpacks what the workers have sent meanwhile (its own walk's memory is garbage by then), so that
     * less is left for after the walk.
     */
    let mainIdle = false;
    /** layers handed to worker threads whose results have not come back */
    let inThreads = 0;
    const unpackNow = (i: number) => {
      const p = packed.get(i);
      if (!p) return;
      results[i]!.entries = unpack(p);
      packed.delete(i);
      capYoungGeneration();
    };
    /**
     * While idle: the entries sent so far, and, while a thread still walks, the layers they complete stacked (no
     * worker waits on the main thread then). Once the last layer is back, the rest is stacked after the threads
     * have ended: the stack and a thread's heap would otherwise add up (peak RSS).
     */
    const idleWork = () => {
      for (const i of [...packed.keys()]) unpackNow(i);
      if (inThreads === 0) return;
      const before = stack.added;
      stackReady();
      if (stack.added === before) return;
      lastScanStats.layersStackedEarly += stack.added - before;
      // what stacking left (each layer's sets, the map's old tables) is collected now rather than adding to the
      // walking thread's heap at its largest, in time the main thread would spend waiting
      collectGarbage();
    };
    const walkHere = async (index: number, toRun: LayerAnalyzer[]) => {
      const layer = image.layers[index]!;
      const entries = image.layerEntries(index);
      const onBytes = () => progress({ layer: index, layers: total, bytes: entries.stats?.compressedBytes ?? 0, layerBytes: layer.size, cached: false, done: false });
      const ctx: AnalyzerContext = { layer, imageName: image.name };
      const w = await walkEntries(entries, toRun, ctx, onBytes);
      await resolveLinks(() => image.layerEntries(index), w, ctx);
      await finish(layer, w, toRun);
      // after a big layer, its read buffers and transient objects are garbage: collected now, the main thread
      // walks its next layer from a small heap (peak RSS; tens of ms, so only where a layer's bytes make it pay)
      if (threaded.size && w.uncompressedSize >= GC_AFTER_BYTES) collectGarbage();
    };
    const mainLoop = (queue: Array<[number, LayerAnalyzer[]]>) => async () => {
      try {
        for (let next = failed ? undefined : queue.shift(); next; next = failed ? undefined : queue.shift()) await walkHere(next[0], next[1]);
      } catch (e) {
        failed = true;
        throw e;
      }
    };
    // 'auto' with local blobs: the main thread walks too, from the same biggest-first queue as the workers, so
    // two cores need one worker thread, not two (each worker is a V8 isolate with its own heap and analyzers).
    // A streamed registry layer keeps the main thread free: it forwards the HTTP chunks to the workers.
    const mainJoins = mode === 'auto' && concurrency > 1 && inMain.length === 0 && toThreads.length > 1 && [...threaded.values()].every((b) => b.kind !== 'port');
    const jobs: Array<Promise<void>> = [];
    if (toThreads.length) {
      const threads = Math.min(mainJoins ? concurrency - 1 : concurrency, toThreads.length);
      // tinypool and the worker bootstrap are loaded only when a scan starts threads (never on a warm scan)
      const { walkInWorkers } = await import('./pool.js');
      const started = await opts.walkers;
      jobs.push(
        walkInWorkers(
          () => {
            const next = toThreads.shift();
            if (!next) return undefined;
            inThreads++;
            const [index, toRun] = next;
            const layer = image.layers[index]!;
            const key = layerCacheKey(layer);
            return { index, blob: threaded.get(index)!, layer, toRun, cache: cache && key ? { dir: cache.root, key } : undefined };
          },
          threads,
          image.name,
          (index, toRun, r) => {
            const layer = image.layers[index]!;
            const key = layerCacheKey(layer);
            const analyses = merged(r.analyses, key, toRun);
            // the worker cached the entries and what it ran; only a partly cached layer needs the merge written.
            // The entries stay packed (one string and one typed array) until every layer is walked: as objects
            // they take several times the memory, on the main thread, while the walk of other layers goes on
            // (or until the main thread has no layer left to walk: `mainIdle`).
            results[index] = { layer, entries: [], whiteouts: r.whiteouts, opaqueDirs: r.opaqueDirs, analyses, uncompressedSize: r.uncompressedSize, warnings: r.warnings };
            packed.set(index, r.entries);
            inThreads--;
            if (mainIdle) idleWork();
            lastScanStats.layersInWorkers++;
            done(layer, r.uncompressedSize);
          },
          (index) => progress({ layer: index, layers: total, bytes: 0, layerBytes: image.layers[index]!.size, cached: false, done: false }),
          () => failed,
          started,
        ).catch((e) => {
          failed = true;
          throw e;
        }),
      );
      if (mainJoins)
        jobs.push(
          mainLoop(toThreads)().then(() => {
            if (failed) return;
            mainIdle = true;
            if (inThreads > 0 && opts.onIdle) {
              try {
                opts.onIdle();
              } catch {
                /* the caller's own affair: it loads what it uses later, and fails then if it must */
              }
            }
            idleWork();
          }),
        );
    }
    // layers that cannot go to a worker (rare: an analyzer without an origin) walk here meanwhile, one at a time
    const n = Math.min(inMain.length, threaded.size ? 1 : concurrency);
    jobs.push(...Array.from({ length: n }, mainLoop(inMain)));
    await Promise.all(jobs);
  }

  // threads started ahead end with the walk, used or not, and are waited for: their heaps are gone before the
  // entries are unpacked and stacked (the peak of a scan's memory otherwise; the caller's stop is then a no-op)
  await (await opts.walkers)?.stop();
  timed('unpack the workers\' entries', () => {
    for (const [i, p] of packed) {
      results[i]!.entries = unpack(p);
      packed.delete(i);
      // when the main thread walked nothing, this is where its young generation would grow (core/gc.ts)
      capYoungGeneration();
    }
  });
  for (const [i, first] of dupOf) results[i] = { ...results[first]!, layer: image.layers[i]! };
  const layers = Array.from({ length: total }, (_, i) => layerAt(i));
  // (the layers stacked while the main thread waited on a worker are done)
  timed(`stack the layers (${total - stack.added} of ${total}; the others while a thread walked)`, () => {
    for (let i = stack.added; i < total; i++) stack.add(layers[i]!);
  });
  return { image, layers, final: stack.final, hidden: stack.hidden };
}
