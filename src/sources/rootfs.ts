/**
 * `rootfs:FILE.tar[.gz|.zst]` — a single-layer root filesystem tarball (Alpine's minirootfs, a
 * `docker export`). One layer, keyed by the digest of the file, so a rescan is served from the cache
 * after one cheap hashing pass (no decompression).
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { blobLayerEntries } from './layer.js';
import type { ImageSource, ImageSourceOptions, LayerRef, OpenedImage } from './types.js';
import { isRootfsRef } from './refs.js';

async function fileDigest(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 1024 * 1024 })) h.update(c as Buffer);
  return `sha256:${h.digest('hex')}`;
}

export async function openRootfs(path: string, ref: string): Promise<OpenedImage> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError(`no such rootfs tarball: ${path}`);
  }
  if (!st.isFile()) throw new InputError(`${path} is not a file (use dir:PATH for a directory)`);
  const digest = await fileDigest(path);
  const layer: LayerRef = { index: 0, digest, size: st.size, createdBy: `rootfs ${basename(path)}` };
  const abs = resolve(path);
  return {
    ref,
    kind: 'rootfs',
    name: basename(path),
    repoTags: [],
    config: { rootfs: { type: 'layers', diff_ids: [] } },
    layers: [layer],
    layerEntries(index: number) {
      if (index !== 0) throw new InputError(`a rootfs tarball has one layer (asked for ${index + 1})`);
      return blobLayerEntries(async () => createReadStream(abs, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>, layer, { label: basename(path) });
    },
    async close() {},
  };
}

export const rootfsSource: ImageSource = {
  name: 'rootfs',
  accepts: isRootfsRef,
  open: (ref: string, _opts: ImageSourceOptions) => openRootfs(ref.slice('rootfs:'.length), ref),
};
