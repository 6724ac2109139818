/**
 * The server's view of the vulnerability database: one open, read-only VulnStore (the file `db update`
 * swaps atomically), a generation number bumped on every reload, and the vulnerability reports computed at
 * request time, cached per (digest, generation) as serialised JSON bytes (LRU bounded by bytes) so a repeated
 * GET costs no matching, no serialisation and, with a compressed variant, no compression.
 * A reload keeps answering from the old store until the new one is open.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { Ajv, type ValidateFunction } from 'ajv';
import type { ImageIndex, VulnerabilityResult } from '../app/image.js';
import { imageVulnerabilities } from '../app/image-vulnerabilities.js';
import { VulnStore } from '../vulndb/index.js';
import { schemas } from './openapi.js';

export interface DbFacts {
  path: string;
  builtAt: string;
  ageSeconds: number;
  generation: number;
}

/**
 * The served form of one vulnerability report: the JSON bytes (checked against the VulnerabilityReport
 * schema once, when built), a strong ETag, and compressed variants made on first demand. A GET writes these
 * bytes as they are: no serialisation, validation or encoding per request.
 */
export interface CachedReport {
  body: Buffer;
  /** `"<hash>"`; the compressed variants carry `"<hash>-gzip"` / `"<hash>-br"` */
  etag: string;
  gzip?: Buffer;
  br?: Buffer;
}

const entryBytes = (e: CachedReport) => e.body.length + (e.gzip?.length ?? 0) + (e.br?.length ?? 0) + 256;

/**
 * A small LRU bounded by the bytes of its entries (compressed variants included). Each entry's size is
 * recorded when it is stored, so an entry that grew a variant is re-accounted by storing it again.
 */
export class ByteLru {
  private readonly map = new Map<string, { value: CachedReport; size: number }>();
  private total = 0;
  constructor(private readonly maxBytes: number) {}
  get bytes(): number {
    return this.total;
  }
  get size(): number {
    return this.map.size;
  }
  get(k: string): CachedReport | undefined {
    const e = this.map.get(k);
    if (e === undefined) return undefined;
    this.map.delete(k);
    this.map.set(k, e);
    return e.value;
  }
  /** Store (or re-account) an entry, then evict the least recently used ones beyond the budget. */
  set(k: string, value: CachedReport): void {
    this.delete(k);
    const size = entryBytes(value);
    if (size > this.maxBytes / 4) return; // one huge report does not evict everything else
    this.map.set(k, { value, size });
    this.total += size;
    for (const [key, e] of this.map) {
      if (this.total <= this.maxBytes) break;
      this.map.delete(key);
      this.total -= e.size;
    }
  }
  delete(k: string): void {
    const old = this.map.get(k);
    if (old !== undefined) {
      this.total -= old.size;
      this.map.delete(k);
    }
  }
  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}

let validateReport: ValidateFunction | undefined;

/** The report object checked against the schema the OpenAPI document publishes for it (once per build). */
function checkReport(report: unknown): void {
  validateReport ??= new Ajv({ allErrors: false, strict: false }).compile(schemas.VulnerabilityReport!);
  if (!validateReport(report)) {
    const e = validateReport.errors?.[0];
    throw new Error(`the vulnerability report does not match its schema: ${e?.instancePath || '/'} ${e?.message ?? ''}`);
  }
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** The content coding to answer with, from Accept-Encoding: br, then gzip, else identity. */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | undefined {
  if (!accept) return undefined;
  let br = false;
  let gz = false;
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((x) => /^\s*q=([0-9.]+)\s*$/.exec(x)).find(Boolean);
    if (q && Number(q[1]) === 0) continue;
    if (name === 'br') br = true;
    else if (name === 'gzip' || name === 'x-gzip') gz = true;
    else if (name === '*') br = gz = true;
  }
  return br ? 'br' : gz ? 'gzip' : undefined;
}

/** True when an If-None-Match header names this report (any of its encodings, weak or strong). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const base = etag.slice(1, -1);
  for (const raw of ifNoneMatch.split(',')) {
    const t = raw.trim();
    if (t === '*') return true;
    const m = /^(?:W\/)?"([^"]*)"$/.exec(t);
    if (!m) continue;
    const v = m[1]!.replace(/-(?:gzip|br)$/, '');
    if (v === base) return true;
  }
  return false;
}

export class VulnDatabase {
  private store?: VulnStore;
  private gen = 0;
  private readonly reports: ByteLru;
  private readonly indexes = new Map<string, ImageIndex>();
  private readonly building = new Map<string, Promise<CachedReport | undefined>>();
  private builtAtOf?: { store: VulnStore; builtAt: string };

  constructor(
    readonly path: string,
    opts: { cacheBytes?: number } = {},
  ) {
    this.reports = new ByteLru(opts.cacheBytes ?? 256 * 1024 * 1024);
  }

  get generation(): number {
    return this.gen;
  }

  /** The open store, opening the file on first use; undefined while there is no usable database. */
  current(): VulnStore | undefined {
    if (!this.store && existsSync(this.path)) {
      try {
        this.store = VulnStore.open(this.path);
        this.gen++;
      } catch {
        this.store = undefined;
      }
    }
    return this.store;
  }

  facts(): DbFacts | undefined {
    const s = this.current();
    if (!s) return undefined;
    // read once per open store: info() counts the database's rows (tens of milliseconds on the full feeds)
    if (this.builtAtOf?.store !== s) this.builtAtOf = { store: s, builtAt: s.info().builtAt };
    const builtAt = this.builtAtOf.builtAt;
    return { path: this.path, builtAt, ageSeconds: Math.round((Date.now() - Date.parse(builtAt)) / 1000), generation: this.gen };
  }

  /**
   * Open the file again (after an update swapped it). Returns the previous store, still open, for the caller
   * to compare with and then close; the cached reports are dropped.
   */
  reload(): { previous?: VulnStore; current?: VulnStore } {
    const previous = this.store;
    let next: VulnStore | undefined;
    try {
      next = VulnStore.open(this.path);
    } catch {
      next = undefined;
    }
    if (!next) return { previous: undefined, current: previous };
    this.store = next;
    this.gen++;
    this.reports.clear();
    return { previous, current: next };
  }

  /** Match one image now; throws when there is no database. */
  match(index: ImageIndex): VulnerabilityResult {
    const store = this.current();
    if (!store) throw new Error('no vulnerability database');
    return imageVulnerabilities(index, { store, dbFile: this.path });
  }

  /**
   * The body of GET /vulnerabilities/{digest}: computed at request time against the current database, checked
   * against its schema and serialised once, then served from the cache as bytes until the database changes.
   * `load` fetches the stored index when needed. Concurrent first reads of one image share one computation.
   */
  async report(digest: string, name: string, load: () => Promise<ImageIndex | undefined>): Promise<CachedReport | undefined> {
    if (!this.current()) throw new Error('no vulnerability database');
    const key = `${this.gen}\u0000${digest}`;
    const hit = this.reports.get(key);
    if (hit !== undefined) return hit;
    let p = this.building.get(key);
    if (!p) {
      p = this.build(key, digest, name, load).finally(() => this.building.delete(key));
      this.building.set(key, p);
    }
    return p;
  }

  private async build(key: string, digest: string, name: string, load: () => Promise<ImageIndex | undefined>): Promise<CachedReport | undefined> {
    let index = this.indexes.get(digest);
    if (!index) {
      index = await load();
      if (!index) return undefined;
      // indexes are immutable per digest; keep a bounded number in memory
      if (this.indexes.size >= 1000) this.indexes.delete(this.indexes.keys().next().value!);
      this.indexes.set(digest, index);
    }
    const gen = this.gen;
    const r = this.match(index);
    const facts = this.facts()!;
    const report = { digest, name, database: { builtAt: facts.builtAt }, findings: r.findings, warnings: r.warnings };
    const body = Buffer.from(JSON.stringify(report), 'utf8');
    checkReport(JSON.parse(body.toString('utf8'))); // the bytes as a client reads them
    const entry: CachedReport = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
    if (gen === this.gen) this.reports.set(key, entry);
    return entry;
  }

  /** The report's bytes in a content coding, compressed on first demand (off the event loop) and cached. */
  async encoded(digest: string, entry: CachedReport, coding: 'br' | 'gzip'): Promise<Buffer> {
    const have = entry[coding];
    if (have) return have;
    const out =
      coding === 'br'
        ? await brotliAsync(entry.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: entry.body.length } })
        : await gzipAsync(entry.body, { level: 6 });
    entry[coding] = out;
    // re-accounted in the LRU when the entry is still the current one
    const key = `${this.gen}\u0000${digest}`;
    if (this.reports.get(key) === entry) this.reports.set(key, entry);
    return out;
  }

  /** Bytes and entries held by the report cache. */
  cacheStats(): { bytes: number; entries: number } {
    return { bytes: this.reports.bytes, entries: this.reports.size };
  }

  /** Forget what is cached for an image (deleted). */
  forget(digest: string): void {
    this.indexes.delete(digest);
    this.reports.delete(`${this.gen}\u0000${digest}`);
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
  }
}
