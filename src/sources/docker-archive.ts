/**
 * `docker save` archives (and OCI layout tars): the tar is indexed once (member offsets) and read in place,
 * never extracted. The legacy layout (manifest.json -> Config + Layers paths, `<id>/layer.tar` or
 * `blobs/sha256/<hex>`) is used when present; an archive with only index.json is read as an OCI layout.
 * References: `docker-archive:FILE[:REPO:TAG]` or a plain path to a tar file.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { TarBlobStore, parseJson } from './blobstore.js';
import { listSome, openOciStore } from './oci-layout.js';
import { parseConfig, platformOf, storedImage, verifyBlob, type StoredLayer } from './stored-image.js';
import type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';
import { isDockerArchiveRef } from './refs.js';

interface LegacyManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
  LayerSources?: Record<string, { mediaType?: string; size?: number; digest?: string }>;
}

function splitRef(ref: string): { path: string; tag?: string } {
  const body = ref.replace(/^docker-archive:/, '');
  if (existsSync(body)) return { path: body };
  // FILE:repo:tag — the file is the longest existing prefix
  for (let i = body.indexOf(':'); i > 0; i = body.indexOf(':', i + 1)) {
    if (existsSync(body.slice(0, i))) return { path: body.slice(0, i), tag: body.slice(i + 1) };
  }
  return { path: body };
}

function digestFromPath(p: string): string | undefined {
  const m = /^blobs\/(sha256|sha512)\/([a-f0-9]{64,128})$/.exec(p);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

export async function openDockerArchive(store: TarBlobStore, ref: string, opts: ImageSourceOptions, tag?: string): Promise<OpenedImage> {
  if (!store.has('manifest.json')) {
    if (store.has('index.json')) return openOciStore(store, ref, opts, tag);
    throw new InputError(`${store.file}: neither manifest.json nor index.json (not a docker save archive or OCI layout)`);
  }
  const manifest = parseJson<LegacyManifestEntry[]>(await store.read('manifest.json'), `${store.file}: manifest.json`);
  if (!Array.isArray(manifest) || manifest.length === 0) throw new InputError(`${store.file}: manifest.json lists no image`);
  let entry = manifest[0]!;
  if (tag) {
    const want = tag.includes(':') ? tag : `${tag}:latest`;
    const hit = manifest.find((m) => (m.RepoTags ?? []).includes(want));
    if (!hit) throw new InputError(`${store.file}: no image tagged '${want}' (available: ${listSome(manifest.flatMap((m) => m.RepoTags ?? [])) || 'untagged only'})`);
    entry = hit;
  } else if (manifest.length > 1) {
    throw new InputError(`${store.file} holds ${manifest.length} images; name one: ${ref}:REPO:TAG (available: ${listSome(manifest.flatMap((m) => m.RepoTags ?? []))})`);
  }
  if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) throw new InputError(`${store.file}: manifest.json entry lacks Config/Layers`);
  const cfgBuf = await store.read(entry.Config);
  // the config's name is its digest: `<hex>.json` (legacy) or `blobs/sha256/<hex>`
  const cfgDigest = digestFromPath(entry.Config) ?? (/^([a-f0-9]{64})\.json$/.exec(entry.Config) ? `sha256:${entry.Config.slice(0, 64)}` : undefined);
  verifyBlob(cfgBuf, cfgDigest, `${store.file}: config ${entry.Config}`);
  const config = parseConfig(cfgBuf, `${store.file}: ${entry.Config}`);
  const layers: StoredLayer[] = [];
  for (const p of entry.Layers) {
    if (typeof p !== 'string' || !store.has(p)) throw new InputError(`${store.file}: layer '${p}' named by manifest.json is missing from the archive`);
    const l: StoredLayer = { path: p, size: (await store.size(p))! };
    const d = digestFromPath(p) ?? entry.LayerSources?.[p]?.digest;
    if (d) l.digest = d;
    layers.push(l);
  }
  const repoTags = entry.RepoTags ?? [];
  const name = tag ? (tag.includes(':') ? tag : `${tag}:latest`) : (repoTags[0] ?? (cfgDigest ? cfgDigest.slice(7, 19) : ref));
  const init: Parameters<typeof storedImage>[1] = { ref, kind: 'docker-archive', name, repoTags, config, platform: platformOf(config), layers };
  if (cfgDigest) init.configDigest = cfgDigest;
  return storedImage(store, init);
}

export const dockerArchiveSource: ImageSource = {
  name: 'docker-archive',
  accepts: isDockerArchiveRef,
  async open(ref: string, opts: ImageSourceOptions) {
    const { path, tag } = splitRef(ref);
    if (!existsSync(path)) throw new InputError(`no such archive: ${path}`);
    const store = await TarBlobStore.open(path);
    return openDockerArchive(store, ref, opts, tag);
  },
};
