/**
 * The server's view of the vulnerability database: one open, read-only VulnStore (the file `db update`
 * swaps atomically), a generation number bumped on every reload, and the vulnerability reports computed at
 * request time, cached per (digest, generation) as serialised JSON so a repeated GET costs no matching.
 * A reload keeps answering from the old store until the new one is open.
 */
import { existsSync } from 'node:fs';
import type { ImageIndex, VulnerabilityResult } from '../app/image.js';
import { imageVulnerabilities } from '../app/image.js';
import { VulnStore } from '../vulndb/index.js';

export interface DbFacts {
  path: string;
  builtAt: string;
  ageSeconds: number;
  generation: number;
}

/** A small LRU bounded by the bytes of its values. */
class ByteLru {
  private readonly map = new Map<string, string>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}
  get(k: string): string | undefined {
    const v = this.map.get(k);
    if (v === undefined) return undefined;
    this.map.delete(k);
    this.map.set(k, v);
    return v;
  }
  set(k: string, v: string): void {
    const old = this.map.get(k);
    if (old !== undefined) {
      this.bytes -= old.length;
      this.map.delete(k);
    }
    if (v.length > this.maxBytes / 4) return; // one huge report does not evict everything else
    this.map.set(k, v);
    this.bytes += v.length;
    for (const [key, val] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(key);
      this.bytes -= val.length;
    }
  }
  delete(k: string): void {
    const old = this.map.get(k);
    if (old !== undefined) {
      this.bytes -= old.length;
      this.map.delete(k);
    }
  }
  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

export class VulnDatabase {
  private store?: VulnStore;
  private gen = 0;
  private readonly reports: ByteLru;
  private readonly indexes = new Map<string, ImageIndex>();

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
    const info = s.info();
    return { path: this.path, builtAt: info.builtAt, ageSeconds: Math.round(info.ageMs / 1000), generation: this.gen };
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
   * The JSON body of GET /vulnerabilities/{digest}: computed at request time against the current database,
   * then served from the cache until the database changes. `load` fetches the stored index when needed.
   */
  async reportJson(digest: string, name: string, load: () => Promise<ImageIndex | undefined>): Promise<string | undefined> {
    const store = this.current();
    if (!store) throw new Error('no vulnerability database');
    const key = `${this.gen}\u0000${digest}`;
    const hit = this.reports.get(key);
    if (hit !== undefined) return hit;
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
    const body = JSON.stringify({
      digest,
      name,
      database: { builtAt: facts.builtAt },
      findings: r.findings,
      warnings: r.warnings,
    });
    if (gen === this.gen) this.reports.set(key, body);
    return body;
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
