/**
 * The on-disk cache: `$XDG_CACHE_HOME/bulwark` (default `~/.cache/bulwark`), or `--cache-dir`.
 * Per-layer entries are keyed by (layer content digest, walker version), analyzer outputs by
 * (layer content digest, analyzer name, analyzer version). Writes are atomic (temp file + rename in the
 * same directory); an unreadable or corrupt entry reads as a miss and is rebuilt, never a crash.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** The root of Bulwark's cache; other areas (vulnerability DB, ...) put their own subfolder under it. */
export function cacheRoot(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.BULWARK_CACHE_DIR) return resolve(process.env.BULWARK_CACHE_DIR);
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && xdg.startsWith('/')) return join(xdg, 'bulwark');
  return join(homedir(), '.cache', 'bulwark');
}

/** A directory under the cache root, created on demand. */
export function cacheSubdir(name: string, explicitRoot?: string): string {
  const d = join(cacheRoot(explicitRoot), name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** Write a file atomically: a temp file in the same directory, then rename over the target. */
export function writeFileAtomic(path: string, data: Buffer | string): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
}

/** Per-layer cache: JSON documents, gzip-compressed, one file per (layer key, name, version). */
export class LayerCache {
  /** the cache root (what `--cache-dir` names) */
  readonly root: string;
  readonly dir: string;
  /** counters for tests and the bench */
  hits = 0;
  misses = 0;
  writes = 0;

  constructor(root?: string) {
    this.root = cacheRoot(root);
    this.dir = join(this.root, 'layers');
  }

  /** The cache key of a layer: a content digest, or undefined (not cacheable). */
  static keyOf(digest: string | undefined): string | undefined {
    if (!digest) return undefined;
    const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
    return m ? m[1] : undefined;
  }

  private path(key: string, name: string, version: number): string {
    return join(this.dir, key.slice(0, 2), key, `${safeName(name)}.v${version}.json.gz`);
  }

  get<T>(key: string, name: string, version: number, validate: (v: unknown) => v is T): T | undefined {
    let buf: Buffer;
    try {
      buf = readFileSync(this.path(key, name, version));
    } catch {
      this.misses++;
      return undefined;
    }
    try {
      const doc = JSON.parse(gunzipSync(buf).toString('utf8')) as { key?: string; name?: string; version?: number; data?: unknown };
      if (doc.key !== key || doc.name !== name || doc.version !== version || !validate(doc.data)) throw new Error('shape');
      this.hits++;
      return doc.data;
    } catch {
      // corrupt or foreign: treat as a miss; the rebuilt entry replaces it
      this.misses++;
      return undefined;
    }
  }

  private binPath(key: string, name: string, version: number): string {
    return join(this.dir, key.slice(0, 2), key, `${safeName(name)}.v${version}.bin.gz`);
  }

  /**
   * A binary entry: a JSON header (checked like `get`'s documents) and a payload of raw bytes, gzip-compressed
   * together. For data that JSON would make large or slow to read back (a layer's packed entries).
   */
  getBinary<T>(key: string, name: string, version: number, validate: (header: unknown) => header is T): { header: T; payload: Buffer } | undefined {
    let buf: Buffer;
    try {
      buf = readFileSync(this.binPath(key, name, version));
    } catch {
      this.misses++;
      return undefined;
    }
    try {
      const raw = gunzipSync(buf);
      const len = raw.readUInt32LE(0);
      if (len > raw.length - 4) throw new Error('shape');
      const doc = JSON.parse(raw.toString('utf8', 4, 4 + len)) as { key?: string; name?: string; version?: number; data?: unknown };
      if (doc.key !== key || doc.name !== name || doc.version !== version || !validate(doc.data)) throw new Error('shape');
      this.hits++;
      return { header: doc.data, payload: raw.subarray(4 + len) };
    } catch {
      this.misses++;
      return undefined;
    }
  }

  putBinary(key: string, name: string, version: number, header: unknown, payload: Buffer[]): void {
    const p = this.binPath(key, name, version);
    try {
      mkdirSync(join(this.dir, key.slice(0, 2), key), { recursive: true });
      const head = Buffer.from(JSON.stringify({ key, name, version, data: header }), 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(head.length, 0);
      writeFileAtomic(p, gzipSync(Buffer.concat([len, head, ...payload]), { level: 1 }));
      this.writes++;
    } catch {
      // a read-only or full cache dir must not fail the scan
    }
  }

  put(key: string, name: string, version: number, data: unknown): void {
    const p = this.path(key, name, version);
    try {
      mkdirSync(join(this.dir, key.slice(0, 2), key), { recursive: true });
      writeFileAtomic(p, gzipSync(JSON.stringify({ key, name, version, data }), { level: 1 }));
      this.writes++;
    } catch {
      // a read-only or full cache dir must not fail the scan
    }
  }
}
