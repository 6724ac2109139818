/**
 * A LayerBlob (where a layer's bytes are on local disk) opened as entries: what the walker's worker threads call.
 * It applies exactly what the source's own `layerEntries(i)` applies (`blobLayerEntries`: compression, limits,
 * blob digest and diff_id verification, hostile names).
 */
import { openBlobFile } from './blobstore.js';
import { blobLayerEntries, type LayerEntryStream } from './layer.js';
import { tarSplitStream } from './tar-split.js';
import { portChunks } from './layer-port.js';
import type { LayerBlob, LayerRef } from './types.js';

export function openLayerBlob(blob: LayerBlob, ref: LayerRef): LayerEntryStream {
  if (blob.kind === 'file') return blobLayerEntries(async (ring) => openBlobFile(blob, ring), ref, { verifyRaw: blob.verifyRaw, ...(blob.limits ? { limits: blob.limits } : {}) });
  if (blob.kind === 'port') return blobLayerEntries(async () => portChunks(blob.port), ref, { ...(blob.limits ? { limits: blob.limits } : {}) });
  // the engine's layers are stored uncompressed: the rebuilt tar stream is checked against the diff_id
  return blobLayerEntries(async (ring) => tarSplitStream(blob.tarSplit, blob.root, ring), ref, { verifyRaw: false });
}
