/**
 * The image result cache: what indexing an image computed from its layers (the stacked filesystem's counts, the
 * inventory, the image check findings, the walker's warnings), stored under `<cache root>/images/` so that a
 * rescan of an unchanged image reads one file instead of stacking ~100,000 entries, rebuilding the inventory and
 * running every check again. The vulnerability match is never cached: it runs against the current database on
 * every scan, so new advisories show.
 *
 * The key is a digest of everything the result depends on, never a tag alone:
 *   - the image as the source presents it: reference, name, tags, manifest and config digests, the config itself,
 *     and every layer's blob digest, diff_id, size and history line, in order (layer contents are identified by
 *     their content digests, as the per-layer cache does);
 *   - the code: `codeIdentity()` (a digest of every source and data file), so other detectors, rules or data never
 *     reuse a result;
 *   - the settings: the .bulwark.yaml in force, --scanners, --no-checks, --skip-dirs/--skip-files, --pkg-types;
 *   - the base/app attribution, computed from the base-image index on every scan (another image scanned since can
 *     change it);
 *   - the dates the age checks read (the UTC day, and the image's age in whole days), so a result ages out daily.
 * An unreadable, corrupt or foreign entry is a miss and is rebuilt, never a crash. Entries are grouped per image
 * (`images/<image>/<key>.json.gz`); writing one removes its image's entries older than two days, which no scan can
 * hit any more (the UTC day is part of the key), so the area grows with the images scanned, not with the days.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Finding } from '../core/finding.js';
import type { KeptMatch } from '../vulndb/match-cache.js';
import type { InventoryReport } from '../inventory/types.js';
import type { LayerAttribution } from '../analyzers/image/attribution.js';
import type { ImageConfig, OpenedImage } from '../sources/types.js';
import { cacheRoot, writeFileAtomic } from '../image/cache.js';
import { codeIdentity } from './code-identity.js';

/** Bumped when the stored shape changes. */
export const IMAGE_RESULT_VERSION = 1;

/** What a scan computed from the layers (everything of an ImageIndex but what the opened image gives directly). */
export interface ImageResult {
  /** per layer: entries walked and uncompressed bytes */
  layers: Array<{ entries: number; size: number }>;
  files: number;
  hiddenFiles: number;
  /** the inventory of the selected package types, without file lists */
  inventory: InventoryReport;
  attribution?: LayerAttribution;
  /** image check and licence findings (a signature verdict is never cached) */
  findings: Finding[];
  warnings: string[];
  /**
   * The image's config and history lines as the walk left them, when the walk changed them (a one-pass engine
   * stream carries the real config, which replaces the one rebuilt from the Engine API): a reused result puts them
   * back, so its summary is the cold scan's.
   */
  refined?: { config: ImageConfig; layers: Array<{ createdBy?: string; created?: string }> };
}

/** What of an opened image a walk may change: its config and the layers' history lines. */
export function imageState(image: OpenedImage): string {
  return JSON.stringify({ config: image.config, layers: image.layers.map((l) => [l.createdBy ?? null, l.created ?? null]) });
}

/** The refinement a walk made (undefined when it made none), and how to put it back on a freshly opened image. */
export function refinementOf(image: OpenedImage, before: string): ImageResult['refined'] {
  if (imageState(image) === before) return undefined;
  return { config: image.config, layers: image.layers.map((l) => ({ ...(l.createdBy !== undefined ? { createdBy: l.createdBy } : {}), ...(l.created !== undefined ? { created: l.created } : {}) })) };
}

export function applyRefinement(image: OpenedImage, refined: ImageResult['refined']): void {
  if (!refined || refined.layers.length !== image.layers.length) return;
  image.config = refined.config;
  image.layers.forEach((l, i) => {
    const r = refined.layers[i]!;
    if (r.createdBy !== undefined) l.createdBy = r.createdBy;
    else delete l.createdBy;
    if (r.created !== undefined) l.created = r.created;
    else delete l.created;
  });
}

/** The settings a result depends on (besides the image, the code and the attribution). */
export interface ImageResultSettings {
  checks: boolean;
  secret: boolean;
  misconfig: boolean;
  license: boolean;
  config: unknown;
  skip: unknown;
  pkgTypes: unknown;
}

/** The image's identity as its source presents it: no function, no handle, nothing that is not data. */
export function imageIdentity(ref: string, image: OpenedImage): unknown {
  return {
    ref,
    imageRef: image.ref,
    kind: image.kind,
    name: image.name,
    repoTags: image.repoTags,
    manifestDigest: image.manifestDigest ?? null,
    configDigest: image.configDigest ?? null,
    config: image.config,
    layers: image.layers.map((l) => ({ index: l.index, digest: l.digest, diffId: l.diffId ?? null, size: l.size ?? null, mediaType: l.mediaType ?? null, createdBy: l.createdBy ?? null, created: l.created ?? null })),
    platform: image.platform ?? null,
    annotations: image.annotations ?? null,
  };
}

/** The facts of the clock the image checks read: the UTC day (EOL dates) and the image's age in whole days. */
export function clockFacts(now: Date, image: Pick<OpenedImage, 'config'>): unknown {
  const created = image.config.created ? Date.parse(image.config.created) : NaN;
  return { day: now.toISOString().slice(0, 10), ageDays: Number.isNaN(created) ? null : Math.floor((now.getTime() - created) / 86_400_000) };
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Where a result is stored: its image's group (the identity alone) and its full key. */
export interface ImageResultKey {
  group: string;
  key: string;
}

export function imageResultKey(parts: { identity: unknown; settings: ImageResultSettings; attribution?: LayerAttribution; clock: unknown; code?: string }): ImageResultKey {
  const image = JSON.stringify(parts.identity);
  const doc = JSON.stringify({ v: IMAGE_RESULT_VERSION, code: parts.code ?? codeIdentity(), image: parts.identity, settings: parts.settings, attribution: parts.attribution ?? null, clock: parts.clock });
  return { group: sha256(image), key: sha256(doc) };
}

/** Entries older than this are removed when their image gets a new one. */
const STALE_MS = 2 * 86_400_000;

/** Statistics of the last lookup, for tests and the bench. */
export const imageResultStats = { hits: 0, misses: 0, writes: 0 };

/** The file beside a result that keeps its vulnerability match (one per result: the latest database's). */
const MATCHES_SUFFIX = '.vulns.json.gz';
/** the match file's format */
const MATCHES_VERSION = 1;

export class ImageResultCache {
  readonly dir: string;

  constructor(root?: string) {
    this.dir = join(cacheRoot(root), 'images');
  }

  private groupDir(k: ImageResultKey): string {
    return join(this.dir, k.group.slice(0, 2), k.group);
  }

  private path(k: ImageResultKey): string {
    return join(this.groupDir(k), `${k.key}.json.gz`);
  }

  get(k: ImageResultKey): ImageResult | undefined {
    const key = k.key;
    try {
      const doc = JSON.parse(gunzipSync(readFileSync(this.path(k))).toString('utf8')) as { key?: string; version?: number; data?: ImageResult };
      const d = doc.data;
      if (doc.key !== key || doc.version !== IMAGE_RESULT_VERSION || !d || !Array.isArray(d.layers) || !Array.isArray(d.findings) || !Array.isArray(d.warnings) || !d.inventory || !Array.isArray(d.inventory.packages)) throw new Error('shape');
      imageResultStats.hits++;
      return d;
    } catch {
      imageResultStats.misses++;
      return undefined;
    }
  }

  put(k: ImageResultKey, data: ImageResult, now = Date.now()): void {
    const dir = this.groupDir(k);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(this.path(k), gzipSync(JSON.stringify({ key: k.key, version: IMAGE_RESULT_VERSION, data }), { level: 1 }));
      imageResultStats.writes++;
    } catch {
      // a read-only or full cache dir must not fail the scan
      return;
    }
    try {
      for (const name of readdirSync(dir)) {
        if (name === `${k.key}.json.gz` || name === `${k.key}${MATCHES_SUFFIX}`) continue;
        const p = join(dir, name);
        if (now - statSync(p).mtimeMs > STALE_MS) unlinkSync(p);
      }
    } catch {
      // pruning is housekeeping: another process may be pruning the same folder
    }
  }

  /**
   * The vulnerability match of this result's inventory under key `db` (see vulndb/match-cache.ts), or undefined: a rescan with an unchanged database reuses it instead of matching again.
   */
  getMatches(k: ImageResultKey, db: string): KeptMatch | undefined {
    try {
      const doc = JSON.parse(gunzipSync(readFileSync(join(this.groupDir(k), `${k.key}${MATCHES_SUFFIX}`))).toString('utf8')) as { key?: string; version?: number; db?: string; data?: { findings?: unknown; warnings?: unknown; dataTime?: unknown } };
      const d = doc.data;
      if (doc.key !== k.key || doc.version !== MATCHES_VERSION || doc.db !== db || !d || !Array.isArray(d.findings) || !Array.isArray(d.warnings) || typeof d.dataTime !== 'number') return undefined;
      return { findings: d.findings as Finding[], warnings: d.warnings as string[], dataTime: d.dataTime };
    } catch {
      return undefined;
    }
  }

  /** Keep the match of this result's inventory against database `db` (replacing the one of an older database). */
  putMatches(k: ImageResultKey, db: string, data: KeptMatch): void {
    try {
      mkdirSync(this.groupDir(k), { recursive: true });
      writeFileAtomic(join(this.groupDir(k), `${k.key}${MATCHES_SUFFIX}`), gzipSync(JSON.stringify({ key: k.key, version: MATCHES_VERSION, db, data }), { level: 1 }));
    } catch {
      // a read-only or full cache dir must not fail the scan
    }
  }
}
