/**
 * Direct read of an image's layers from the Docker engine's own storage, as the engine itself does for
 * `docker save`: when Bulwark runs on the engine's host with read access to its data root (root), and the storage
 * driver is overlay2, each layer is rebuilt from `image/overlay2/layerdb/sha256/<chain-id>/tar-split.json.gz` and
 * the files of `overlay2/<cache-id>/diff` (see tar-split.ts), and verified against its diff_id exactly as the
 * save stream would be. The config is the engine's own blob (`imagedb/content/sha256/<id>`), checked against the
 * image ID. Anything unexpected (another driver, a remote engine, a missing or unreadable file, a layer database
 * that names another diff_id) means "not available": the caller falls back to the Engine API stream.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineClient } from './engine/client.js';
import type { LayerBlobTarSplit } from './types.js';

export interface EngineStorage {
  blobs: LayerBlobTarSplit[];
  /** the image config blob as the engine stores it (digest-verified) */
  config: Buffer;
}

/** Layer chain IDs (image-spec): chain[0] = diff_id[0], chain[i] = sha256(chain[i-1] + " " + diff_id[i]). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}`);
  }
  return out;
}

function readSmall(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > 4096) return undefined;
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export async function engineStorage(client: EngineClient, imageId: string, diffIds: string[], graphDriver: string | undefined): Promise<EngineStorage | undefined> {
  if (!client.isLocal || graphDriver !== 'overlay2' || diffIds.length === 0) return undefined;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return undefined;
  let info: { DockerRootDir?: string; Driver?: string };
  try {
    info = await client.json<{ DockerRootDir?: string; Driver?: string }>('/info');
  } catch {
    return undefined;
  }
  const root = info.DockerRootDir;
  if (!root || info.Driver !== 'overlay2' || !root.startsWith('/')) return undefined;
  const idHex = /^sha256:([a-f0-9]{64})$/.exec(imageId)?.[1];
  if (!idHex) return undefined;
  let config: Buffer;
  try {
    config = readFileSync(join(root, 'image/overlay2/imagedb/content/sha256', idHex));
  } catch {
    return undefined;
  }
  if (`sha256:${createHash('sha256').update(config).digest('hex')}` !== imageId) return undefined;
  const chains = chainIds(diffIds);
  const blobs: LayerBlobTarSplit[] = [];
  for (let i = 0; i < diffIds.length; i++) {
    const chainHex = /^sha256:([a-f0-9]{64})$/.exec(chains[i]!)?.[1];
    if (!chainHex) return undefined;
    const dir = join(root, 'image/overlay2/layerdb/sha256', chainHex);
    if (readSmall(join(dir, 'diff')) !== diffIds[i]) return undefined;
    const cacheId = readSmall(join(dir, 'cache-id'));
    if (!cacheId || !/^[a-z0-9]{1,128}$/.test(cacheId)) return undefined;
    const tarSplit = join(dir, 'tar-split.json.gz');
    const diffDir = join(root, 'overlay2', cacheId, 'diff');
    try {
      if (!statSync(tarSplit).isFile() || !statSync(diffDir).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    const size = Number(readSmall(join(dir, 'size')));
    blobs.push({ kind: 'tar-split', tarSplit, root: diffDir, ...(Number.isSafeInteger(size) && size >= 0 ? { size } : {}) });
  }
  return existsSync(root) ? { blobs, config } : undefined;
}
