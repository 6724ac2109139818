/**
 * The walker's worker thread: one task = one layer, read from local disk, hashed, decompressed, parsed and
 * analysed here (`walk.ts`, the same code the main thread runs), its entries index and analyzer outputs written
 * to the layer cache, and the result sent back in packed form (`pack`). Analyzers are loaded from their `origin`.
 * Errors come back as data (`error`), so that a bad layer still ends as a one-line user error.
 */
import type { LayerBlob, LayerRef } from '../sources/types.js';
import type { AnalyzerOrigin, LayerAnalyzer } from './types.js';
import { UserError } from '../core/errors.js';
import { pack, resolveLinks, walkEntries, type PackedEntries } from './walk.js';
import { openLayerBlob } from '../sources/layer-blob.js';
import { LayerCache } from './cache.js';
import { storeLayer } from './layer-index.js';
import { collectGarbage } from '../core/gc.js';

export interface WalkTask {
  blob: LayerBlob;
  layer: LayerRef;
  imageName: string;
  analyzers: Array<AnalyzerOrigin & { name: string; version: number }>;
  /** write the entries index and these analyzers' outputs to the layer cache under `key` */
  cache?: { dir: string; key: string };
}

export interface WalkReply {
  /** the entries, packed (one string and one typed array: cheap to send, and what the cache stores) */
  entries: PackedEntries;
  whiteouts: string[];
  opaqueDirs: string[];
  analyses: Record<string, Record<string, unknown>>;
  warnings: string[];
  uncompressedSize: number;
  error?: { message: string; user: boolean; exitCode?: number };
}

const loaded = new Map<string, Promise<LayerAnalyzer>>();

function load(o: WalkTask['analyzers'][number]): Promise<LayerAnalyzer> {
  const key = JSON.stringify(o);
  let p = loaded.get(key);
  if (!p) {
    p = (async () => {
      const mod = (await import(o.module)) as Record<string, unknown>;
      const x = mod[o.export];
      const a = (o.args ? await (x as (...args: unknown[]) => unknown)(...o.args) : x) as LayerAnalyzer | undefined;
      if (!a || a.name !== o.name || a.version !== o.version) throw new Error(`analyzer ${o.name} v${o.version} is not what ${o.module}#${o.export} gives in a worker thread`);
      return a;
    })();
    loaded.set(key, p);
  }
  return p;
}

export default async function walkLayerTask(task: WalkTask): Promise<WalkReply> {
  try {
    const analyzers = await Promise.all(task.analyzers.map(load));
    const ctx = { layer: task.layer, imageName: task.imageName };
    const w = await walkEntries(openLayerBlob(task.blob, task.layer), analyzers, ctx);
    await resolveLinks(() => openLayerBlob(task.blob, task.layer), w, ctx);
    const entries = pack(w.entries);
    // the objects are not needed any more: let a collection during the cache write reclaim them
    w.entries = [];
    if (task.cache) storeLayer(new LayerCache(task.cache.dir), task.cache.key, w, w.analyses, analyzers, entries);
    // the walk's objects and read buffers are garbage now: collected here, the thread walks its next layer from a
    // small heap instead of growing it further while the main thread walks too (peak RSS; ~10 ms a layer)
    collectGarbage();
    return {
      entries,
      whiteouts: w.whiteouts,
      opaqueDirs: w.opaqueDirs,
      analyses: w.analyses,
      warnings: w.warnings,
      uncompressedSize: w.uncompressedSize,
    };
  } catch (e) {
    return { entries: { count: 0, strings: '', numbers: new Float64Array(0) }, whiteouts: [], opaqueDirs: [], analyses: {}, warnings: [], uncompressedSize: 0, error: { message: (e as Error).message, user: e instanceof UserError, ...(e instanceof UserError ? { exitCode: e.exitCode } : {}) } };
  }
}
