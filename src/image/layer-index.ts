/**
 * What the layer cache keeps per layer: the entries index (`_entries`, versioned by WALKER_VERSION) and one
 * document per analyzer (versioned by the analyzer's own version). Written by whoever walked the layer (the main
 * thread or a worker thread), read by the walker on a warm scan.
 */
import type { LayerAnalyzer } from './types.js';
import type { LayerCache } from './cache.js';
import { compact, type CompactEntry, type Walked } from './walk.js';

/** Bump when the entries index format or the walker's semantics change (invalidates cached indexes). */
export const WALKER_VERSION = 1;

export interface CachedIndex {
  entries: CompactEntry[];
  whiteouts: string[];
  opaqueDirs: string[];
  uncompressedSize: number;
  warnings: string[];
}

export function isIndex(v: unknown): v is CachedIndex {
  const o = v as CachedIndex;
  return !!o && Array.isArray(o.entries) && Array.isArray(o.whiteouts) && Array.isArray(o.opaqueDirs) && typeof o.uncompressedSize === 'number' && Array.isArray(o.warnings);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Store a walked layer: its entries index and the outputs of the analyzers that ran. */
export function storeLayer(cache: LayerCache, key: string, w: Pick<Walked, 'entries' | 'whiteouts' | 'opaqueDirs' | 'uncompressedSize' | 'warnings'>, analyses: Record<string, Record<string, unknown>>, ran: LayerAnalyzer[], compacted?: CompactEntry[]): void {
  const idx: CachedIndex = { entries: compacted ?? w.entries.map(compact), whiteouts: w.whiteouts, opaqueDirs: w.opaqueDirs, uncompressedSize: w.uncompressedSize, warnings: w.warnings };
  cache.put(key, '_entries', WALKER_VERSION, idx);
  for (const a of ran) cache.put(key, a.cacheName ?? a.name, a.version, analyses[a.name] ?? {});
}
