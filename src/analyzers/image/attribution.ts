/**
 * Base image vs app attribution: which bottom layers come from the base image. Evidence, strongest first:
 *  1. layer-prefix match against images already seen (an on-disk index in the cache dir: image -> ordered
 *     diff_ids); the longest indexed image whose layers are a proper prefix of this one is the base;
 *  2. `org.opencontainers.image.base.name` / `base.digest` (manifest annotations or config labels): name the
 *     base; its layer count then comes from the index when the base is in it, else from history;
 *  3. history markers: the base ends after its last CMD/ENTRYPOINT (`#(nop)` or buildkit) entry, or after the
 *     rootfs entry (`ADD file:... in /`, `Imported from -`) when it has none.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageConfig } from '../../sources/types.js';
import type { ImageScan } from '../../image/types.js';
import type { Finding } from '../../core/finding.js';
import { cacheRoot } from '../../image/cache.js';

export type AttributionMethod = 'layer-index' | 'annotation' | 'history' | 'none';

export interface LayerAttribution {
  /** layers [0, baseLayerCount) come from the base image */
  baseLayerCount: number;
  method: AttributionMethod;
  baseName?: string;
  baseDigest?: string;
  /** history entries [0, baseHistoryCount) belong to the base (covers empty-layer entries: ENV, LABEL, ...) */
  baseHistoryCount: number;
}

export interface AttributionOptions {
  /** the Bulwark cache dir; the index lives in `<cacheDir>/base-index.json` */
  cacheDir?: string;
  /** an already loaded index (tests, or a caller that holds one) */
  index?: LayerIndex;
}

export interface LayerIndex {
  version: 1;
  images: Record<string, { diffIds: string[]; seen: string }>;
}

const INDEX_FILE = 'base-index.json';
const MAX_INDEX_IMAGES = 2000;

export function loadLayerIndex(cacheDir: string): LayerIndex {
  try {
    const data = JSON.parse(readFileSync(join(cacheDir, INDEX_FILE), 'utf8')) as LayerIndex;
    if (data && data.version === 1 && data.images && typeof data.images === 'object') return data;
  } catch {
    // missing or unreadable: start empty
  }
  return { version: 1, images: {} };
}

/** Record an image's ordered layer diff_ids so later scans can recognise it as a base. */
export function recordImageLayers(cacheDir: string, name: string, diffIds: string[]): void {
  if (!name || diffIds.length === 0) return;
  const idx = loadLayerIndex(cacheDir);
  idx.images[name] = { diffIds, seen: new Date().toISOString() };
  const names = Object.keys(idx.images);
  if (names.length > MAX_INDEX_IMAGES) {
    names.sort((a, b) => idx.images[a].seen.localeCompare(idx.images[b].seen));
    for (const n of names.slice(0, names.length - MAX_INDEX_IMAGES)) delete idx.images[n];
  }
  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `${INDEX_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(idx));
  renameSync(tmp, join(cacheDir, INDEX_FILE));
}

/** The base-image index's folder in a cache root: `<root>/base-images`. */
export function baseIndexDir(cacheDir?: string): string {
  return join(cacheRoot(cacheDir), 'base-images');
}

/** Record a scanned image in the base-image index; the index is an optimisation, so an unwritable one is ignored. */
export function recordScannedImage(dir: string, image: ImageScan['image']): void {
  const ids = image.config.rootfs?.diff_ids ?? image.layers.map((l) => l.diffId ?? l.digest);
  try {
    recordImageLayers(dir, image.name, ids);
  } catch {
    // an unwritable cache dir must not fail the scan
  }
}

function diffIdsOf(scan: Pick<ImageScan, 'image'>): string[] {
  const fromConfig = scan.image.config.rootfs?.diff_ids ?? [];
  if (fromConfig.length === scan.image.layers.length) return fromConfig;
  return scan.image.layers.map((l) => l.diffId ?? l.digest);
}

const EMPTY_INSTRUCTION = /^(?:\/bin\/sh -c )?(?:#\(nop\)\s*)?(?:ENV|LABEL|CMD|ENTRYPOINT|EXPOSE|USER|WORKDIR|ARG|ONBUILD|HEALTHCHECK|SHELL|STOPSIGNAL|VOLUME|MAINTAINER)\b/;

/**
 * Which history entries made a layer. The config's `empty_layer` flags when they agree with the layer count;
 * otherwise (a config rebuilt from the Engine's /history, which has no such flag) from the instruction:
 * metadata instructions make none, RUN/COPY/ADD and imported roots make one.
 */
export function layerMakingEntries(config: ImageConfig, layerCount?: number): boolean[] {
  const hist = config.history ?? [];
  const declared = hist.map((h) => !h.empty_layer);
  const total = layerCount ?? config.rootfs?.diff_ids?.length;
  if (total === undefined || declared.filter(Boolean).length === total) return declared;
  const inferred = hist.map((h) => !EMPTY_INSTRUCTION.test((h.created_by ?? '').trim()));
  return inferred.filter(Boolean).length === total ? inferred : declared;
}

/** history entry index -> index of the layer it made (or, for empty entries, the number of layers before it) */
export function historyLayerPositions(config: ImageConfig, layerCount?: number): number[] {
  const flags = layerMakingEntries(config, layerCount);
  const out: number[] = [];
  let n = 0;
  for (const f of flags) {
    out.push(n);
    if (f) n++;
  }
  return out;
}

/** true when history entry i made a layer */
export function historyMadeLayer(config: ImageConfig, i: number, layerCount?: number): boolean {
  return layerMakingEntries(config, layerCount)[i] ?? false;
}

function layersBeforeHistory(config: ImageConfig, historyCount: number): number {
  return layerMakingEntries(config).slice(0, historyCount).filter(Boolean).length;
}

/** history count such that exactly `layers` non-empty entries come first, extended over trailing empty entries */
function historyForLayers(config: ImageConfig, layers: number): number {
  const hist = config.history ?? [];
  const flags = layerMakingEntries(config);
  let n = 0;
  let i = 0;
  for (; i < hist.length && n < layers; i++) if (flags[i]) n++;
  // trailing empty entries (ENV, CMD, ...) of the base until the next layer-making entry are the base's,
  // up to and including the base's CMD/ENTRYPOINT
  while (i < hist.length && !flags[i]) {
    const by = hist[i].created_by ?? '';
    i++;
    if (/\b(CMD|ENTRYPOINT)\b/.test(by)) break;
  }
  return i;
}

const BASE_END = /(?:#\(nop\)\s*|^)(?:CMD|ENTRYPOINT)\b/;
const ROOTFS = /^(?:\/bin\/sh -c )?#\(nop\)\s*ADD file:[0-9a-f]+ in \/\s*$|^ADD file:[0-9a-f]+ in \/\s*$/;

/** Base boundary from history alone: returns the number of base history entries, or 0 when unknown. */
export function historyBoundary(config: ImageConfig): number {
  const hist = config.history ?? [];
  const flags = layerMakingEntries(config);
  if (hist.length === 0) return 0;
  // the base's last CMD/ENTRYPOINT that is followed by at least one layer-making entry
  for (let i = hist.length - 2; i >= 0; i--) {
    const by = (hist[i].created_by ?? '').trim();
    if (BASE_END.test(by) && flags.slice(i + 1).some(Boolean)) return i + 1;
  }
  // no CMD: a rootfs-only base (docker import, ADD file:... in /)
  const first = hist[0];
  const firstBy = (first.created_by ?? '').trim();
  if ((first.comment ?? '').startsWith('Imported from') || ROOTFS.test(firstBy)) {
    if (hist.length > 1) return 1;
  }
  return 0;
}

function baseFromAnnotations(scan: Pick<ImageScan, 'image'>): { name?: string; digest?: string } {
  const ann = scan.image.annotations ?? {};
  const labels = scan.image.config.config?.Labels ?? {};
  return {
    name: ann['org.opencontainers.image.base.name'] ?? labels['org.opencontainers.image.base.name'],
    digest: ann['org.opencontainers.image.base.digest'] ?? labels['org.opencontainers.image.base.digest'],
  };
}

export function attributeLayers(scan: Pick<ImageScan, 'image'>, opts: AttributionOptions = {}): LayerAttribution {
  const config = scan.image.config;
  const total = scan.image.layers.length;
  const ann = baseFromAnnotations(scan);
  const index = opts.index ?? (opts.cacheDir ? loadLayerIndex(opts.cacheDir) : undefined);
  const ids = diffIdsOf(scan);
  const selfNames = new Set([scan.image.name, ...scan.image.repoTags]);

  // 1. layer index: the longest proper prefix (the image itself, same layers, is skipped)
  if (index) {
    let best: { name: string; count: number } | undefined;
    for (const [name, e] of Object.entries(index.images)) {
      const n = e.diffIds.length;
      if (n === 0 || n >= total || selfNames.has(name)) continue;
      let ok = true;
      for (let i = 0; i < n; i++) {
        if (e.diffIds[i] !== ids[i]) {
          ok = false;
          break;
        }
      }
      // prefer the annotated base when several prefixes match equally
      if (ok && (!best || n > best.count || (n === best.count && name === ann.name))) best = { name, count: n };
    }
    if (best) {
      return {
        baseLayerCount: best.count,
        method: 'layer-index',
        baseName: ann.name ?? best.name,
        ...(ann.digest ? { baseDigest: ann.digest } : {}),
        baseHistoryCount: historyForLayers(config, best.count),
      };
    }
  }

  const hb = historyBoundary(config);
  const fromHistory = hb > 0 ? Math.min(layersBeforeHistory(config, hb), total) : 0;
  // 2. annotations name the base
  if (ann.name || ann.digest) {
    return {
      baseLayerCount: fromHistory,
      method: 'annotation',
      ...(ann.name ? { baseName: ann.name } : {}),
      ...(ann.digest ? { baseDigest: ann.digest } : {}),
      baseHistoryCount: hb,
    };
  }
  // 3. history
  if (hb > 0 && fromHistory > 0 && fromHistory < total) {
    return { baseLayerCount: fromHistory, method: 'history', baseHistoryCount: hb };
  }
  return { baseLayerCount: 0, method: 'none', baseHistoryCount: 0 };
}

/** origin of a finding located in layer `layerIndex` */
export function originOfLayer(att: LayerAttribution, layerIndex: number | undefined): 'base' | 'app' | undefined {
  if (layerIndex === undefined) return undefined;
  if (att.method === 'none') return 'app';
  return layerIndex < att.baseLayerCount ? 'base' : 'app';
}

/** origin of a history entry (ENV, LABEL, USER, ... are empty-layer entries) */
export function originOfHistory(att: LayerAttribution, historyIndex: number | undefined): 'base' | 'app' | undefined {
  if (historyIndex === undefined) return undefined;
  if (att.method === 'none') return 'app';
  return historyIndex < att.baseHistoryCount ? 'base' : 'app';
}

export interface OriginSplit {
  attribution: { method: string; baseLayerCount: number; appLayerCount: number; baseName?: string; baseDigest?: string };
  base: Record<string, number>;
  app: Record<string, number>;
  /** one line for the table report */
  text: string;
}

/** "inherited from base" vs "added by you": finding counts by severity on each side (any findings with origin). */
export function originSplit(att: LayerAttribution, layerCount: number, findings: Finding[]): OriginSplit {
  const count = (o: 'base' | 'app') => {
    const c: Record<string, number> = { total: 0 };
    for (const f of findings) {
      if (f.suppressed || (f.origin ?? f.vulnerability?.origin) !== o) continue;
      c.total++;
      c[f.severity] = (c[f.severity] ?? 0) + 1;
    }
    return c;
  };
  const base = count('base');
  const app = count('app');
  const who = att.baseName ? ` (${att.baseName})` : '';
  const text =
    att.method === 'none'
      ? `base image not identified: all ${layerCount} layers counted as added by you; ${app.total} findings`
      : `base image${who}: layers 0-${att.baseLayerCount - 1} (by ${att.method}), ${base.total} findings inherited; ` +
        `your layers ${att.baseLayerCount}-${layerCount - 1}: ${app.total} findings added`;
  return {
    attribution: {
      method: att.method,
      baseLayerCount: att.baseLayerCount,
      appLayerCount: layerCount - att.baseLayerCount,
      ...(att.baseName ? { baseName: att.baseName } : {}),
      ...(att.baseDigest ? { baseDigest: att.baseDigest } : {}),
    },
    base,
    app,
    text,
  };
}
