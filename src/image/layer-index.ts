/**
 * What the layer cache keeps per layer: the entries index (`_entries`, versioned by WALKER_VERSION) and one
 * document per analyzer (versioned by the analyzer's own version). Written by whoever walked the layer (the main
 * thread or a worker thread), read by the walker on a warm scan.
 */
import type { LayerAnalyzer } from './types.js';
import type { LayerCache } from './cache.js';
import type { EntryMeta } from '../sources/types.js';
import { endianness } from 'node:os';
import { pack, unpack, type PackedEntries, type Walked } from './walk.js';

/**
 * Bump when the entries index format or the walker's semantics change (invalidates cached indexes).
 * 2: the entries are packed (`pack`: one string, one Float64Array) in a binary cache entry, not JSON tuples.
 */
export const WALKER_VERSION = 2;

export interface CachedIndex {
  entries: EntryMeta[];
  whiteouts: string[];
  opaqueDirs: string[];
  uncompressedSize: number;
  warnings: string[];
}

/** The header of a cached entries index; the payload is the packed numbers (platform byte order), then the strings: UTF-8, or UTF-16LE when they hold a surrogate code unit (UTF-8 would not give a lone one back). */
interface IndexHeader {
  count: number;
  json: boolean;
  utf16: boolean;
  endian: string;
  numbersBytes: number;
  whiteouts: string[];
  opaqueDirs: string[];
  uncompressedSize: number;
  warnings: string[];
}

function isHeader(v: unknown): v is IndexHeader {
  const o = v as IndexHeader;
  return !!o && Number.isSafeInteger(o.count) && o.count >= 0 && typeof o.json === 'boolean' && typeof o.utf16 === 'boolean' && o.endian === endianness() && Number.isSafeInteger(o.numbersBytes) && Array.isArray(o.whiteouts) && Array.isArray(o.opaqueDirs) && typeof o.uncompressedSize === 'number' && Array.isArray(o.warnings);
}

/** A layer's cached entries index, or undefined (missing, corrupt or of another format: a miss). */
export function readIndex(cache: LayerCache, key: string): CachedIndex | undefined {
  const got = cache.getBinary(key, '_entries', WALKER_VERSION, isHeader);
  if (!got) return undefined;
  const { header: h, payload } = got;
  if (h.numbersBytes > payload.length || h.numbersBytes % 8 !== 0) return undefined;
  try {
    const numbers = new Float64Array(h.numbersBytes / 8);
    new Uint8Array(numbers.buffer).set(payload.subarray(0, h.numbersBytes));
    const entries = unpack({ count: h.count, json: h.json, numbers, strings: payload.toString(h.utf16 ? 'utf16le' : 'utf8', h.numbersBytes) });
    return { entries, whiteouts: h.whiteouts, opaqueDirs: h.opaqueDirs, uncompressedSize: h.uncompressedSize, warnings: h.warnings };
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Store a walked layer: its entries index and the outputs of the analyzers that ran. */
export function storeLayer(cache: LayerCache, key: string, w: Pick<Walked, 'entries' | 'whiteouts' | 'opaqueDirs' | 'uncompressedSize' | 'warnings'>, analyses: Record<string, Record<string, unknown>>, ran: LayerAnalyzer[], packed?: PackedEntries): void {
  const p = packed ?? pack(w.entries);
  const numbers = Buffer.from(p.numbers.buffer, p.numbers.byteOffset, p.numbers.byteLength);
  const utf16 = /[\uD800-\uDFFF]/.test(p.strings);
  const header: IndexHeader = { count: p.count, json: !!p.json, utf16, endian: endianness(), numbersBytes: numbers.length, whiteouts: w.whiteouts, opaqueDirs: w.opaqueDirs, uncompressedSize: w.uncompressedSize, warnings: w.warnings };
  cache.putBinary(key, '_entries', WALKER_VERSION, header, [numbers, Buffer.from(p.strings, utf16 ? 'utf16le' : 'utf8')]);
  for (const a of ran) cache.put(key, a.cacheName ?? a.name, a.version, analyses[a.name] ?? {});
}
