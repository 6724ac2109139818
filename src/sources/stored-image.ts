/**
 * The part every archive-backed source shares: a config plus layer blobs in a BlobStore become an
 * OpenedImage (layers with digests, diff_ids and created-by; digest-verified layer streams).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { BlobStore } from './blobstore.js';
import { parseJson } from './blobstore.js';
import { blobLayerEntries, type LayerLimits } from './layer.js';
import type { ImageConfig, LayerBlob, LayerRef, OpenedImage } from './types.js';

export interface StoredLayer {
  /** path of the blob inside the store */
  path: string;
  /** digest of the stored bytes when known (manifest descriptor / blob name) */
  digest?: string;
  size?: number;
  mediaType?: string;
}

export function sha256(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

/** Check a blob against the digest that names it. */
export function verifyBlob(buf: Buffer, digest: string | undefined, what: string): void {
  if (!digest) return;
  const m = /^(sha256|sha512):([a-f0-9]+)$/.exec(digest);
  if (!m) throw new InputError(`${what}: unsupported digest '${digest}'`);
  const got = createHash(m[1]!).update(buf).digest('hex');
  if (got !== m[2]) throw new InputError(`${what}: digest mismatch: expected ${digest}, got ${m[1]}:${got}`);
}

export function parseConfig(buf: Buffer, what: string): ImageConfig {
  const c = parseJson<ImageConfig>(buf, what);
  if (!c || typeof c !== 'object') throw new InputError(`${what} is not an image config`);
  return c;
}

/** Attach created-by: the non-empty history entries map 1:1 onto the layers, in order. */
export function layerRefs(config: ImageConfig, layers: Array<Omit<LayerRef, 'index' | 'createdBy' | 'created'>>): LayerRef[] {
  const hist = (config.history ?? []).filter((h) => !h.empty_layer);
  const useHist = hist.length === layers.length;
  return layers.map((l, i) => {
    const r: LayerRef = { index: i, ...l };
    if (useHist) {
      if (hist[i]!.created_by !== undefined) r.createdBy = hist[i]!.created_by;
      if (hist[i]!.created !== undefined) r.created = hist[i]!.created;
    }
    return r;
  });
}

export interface StoredImageInit {
  ref: string;
  kind: string;
  name: string;
  repoTags: string[];
  manifestDigest?: string;
  configDigest?: string;
  config: ImageConfig;
  platform?: string;
  annotations?: Record<string, string>;
  layers: StoredLayer[];
  limits?: Partial<LayerLimits>;
}

export function storedImage(store: BlobStore, init: StoredImageInit): OpenedImage {
  const diffIds = init.config.rootfs?.diff_ids ?? [];
  if (diffIds.length && diffIds.length !== init.layers.length) {
    throw new InputError(`${init.ref}: the config lists ${diffIds.length} layers (rootfs.diff_ids) but the manifest has ${init.layers.length}`);
  }
  const refs = layerRefs(
    init.config,
    init.layers.map((l, i) => {
      const o: Omit<LayerRef, 'index' | 'createdBy' | 'created'> = { digest: l.digest ?? diffIds[i] ?? '' };
      if (diffIds[i]) o.diffId = diffIds[i];
      if (l.size !== undefined) o.size = l.size;
      if (l.mediaType) o.mediaType = l.mediaType;
      return o;
    }),
  );
  const img: OpenedImage = {
    ref: init.ref,
    kind: init.kind,
    name: init.name,
    repoTags: init.repoTags,
    config: init.config,
    layers: refs,
    layerEntries(index: number) {
      const l = init.layers[index];
      const r = refs[index];
      if (!l || !r) throw new InputError(`no layer ${index + 1} (the image has ${refs.length})`);
      return blobLayerEntries((ring) => store.open(l.path, ring), r, { limits: init.limits, verifyRaw: l.digest !== undefined });
    },
    async layerBlob(index: number): Promise<LayerBlob | undefined> {
      const l = init.layers[index];
      if (!l || !store.locate) return undefined;
      const at = await store.locate(l.path);
      return at ? { kind: 'file', ...at, verifyRaw: l.digest !== undefined, ...(init.limits ? { limits: init.limits } : {}) } : undefined;
    },
    async close() {
      /* nothing held open between reads */
    },
  };
  if (init.manifestDigest) img.manifestDigest = init.manifestDigest;
  if (init.configDigest) img.configDigest = init.configDigest;
  if (init.platform) img.platform = init.platform;
  if (init.annotations) img.annotations = init.annotations;
  return img;
}

export function platformOf(c: ImageConfig): string {
  return [c.os ?? 'unknown', c.architecture ?? 'unknown', c.variant].filter(Boolean).join('/');
}
