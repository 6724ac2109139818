/**
 * `HOST[:PORT]/REPO[:TAG|@DIGEST]` (also written `registry:REF` or `docker://REF`) — an image read straight
 * from a registry through the HTTP API v2 / OCI distribution spec (src/registry/).
 *
 * Design: the tag's manifest is always fetched (tags move); an index is resolved to the platform's
 * manifest; manifests fetched by digest and the config blob are kept in the cache by digest
 * (`<cache>/registry/sha256/<hex>`, re-verified on read), so a warm rescan of a known manifest transfers
 * the tag's manifest only: the walker finds every layer in its per-layer cache (keyed by the diff_ids of
 * the config) and opens no blob. Layer blobs stream from the registry into the walker (nothing is written
 * to disk); src/sources/layer.ts verifies each blob's digest and diff_id as it goes, and the client caps
 * each blob at the size its descriptor announces.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { writeFileAtomic } from '../image/cache.js';
// the registry client (HTTP transport, auth, credential helpers) loads when a registry image is opened, not with
// the sources every scan loads
import type { RegistryClient, FetchedManifest, RegistryClientOptions } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { MT, parseManifest, platformString, selectPlatform, type ImageManifestDoc, type Platform } from '../registry/manifest.js';
import { familiarName, formatReference, manifestRef, parseReference, type ImageReference } from '../registry/reference.js';
import type { BlobStore } from './blobstore.js';
import { DEFAULT_PLATFORM, parsePlatform } from './oci-layout.js';
import { parseConfig, platformOf, storedImage } from './stored-image.js';
import { servePort, type ServedPort } from './layer-port.js';
import type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';
import { isRegistryRef } from './refs.js';

export interface RegistryOptions extends RegistryClientOptions {
  /** do not read or write the manifest/config cache */
  noCache?: boolean;
}

/** What a registry-backed OpenedImage knows beyond the common interface (signatures need the digests). */
export interface RegistryImageDetails {
  reference: ImageReference;
  /** digest of what the tag points to (an index for multi-platform images): what `docker pull` prints */
  topDigest: string;
  topMediaType: string;
  /** digest of the platform's image manifest (equal to topDigest for single-platform images) */
  manifestDigest: string;
  client: RegistryClient;
}

const details = new WeakMap<OpenedImage, RegistryImageDetails>();

export function registryDetails(image: OpenedImage): RegistryImageDetails | undefined {
  return details.get(image);
}

const LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  '',
]);

/** A content-addressed cache of manifests and configs (verified on read; a corrupt entry is a miss). */
class DocCache {
  constructor(private readonly dir: string | undefined) {}
  private path(digest: string): string | undefined {
    if (!this.dir) return undefined;
    const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
    return m ? join(this.dir, 'sha256', m[1]!) : undefined;
  }
  get(digest: string): Buffer | undefined {
    const p = this.path(digest);
    if (!p || !existsSync(p)) return undefined;
    try {
      const b = readFileSync(p);
      return `sha256:${createHash('sha256').update(b).digest('hex')}` === digest ? b : undefined;
    } catch {
      return undefined;
    }
  }
  put(digest: string, body: Buffer): void {
    const p = this.path(digest);
    if (!p) return;
    try {
      mkdirSync(join(this.dir!, 'sha256'), { recursive: true });
      writeFileAtomic(p, body);
    } catch {
      /* a read-only cache only costs a re-download */
    }
  }
}

/** Strip the explicit prefixes: `registry:REF`, `docker://REF`. */
export function registryRefBody(ref: string): string {
  if (ref.startsWith('registry:')) return ref.slice('registry:'.length);
  if (ref.startsWith('docker://')) return ref.slice('docker://'.length);
  return ref;
}

async function manifestByDigest(client: RegistryClient, cache: DocCache, repo: string, digest: string): Promise<FetchedManifest> {
  const hit = cache.get(digest);
  if (hit) {
    const doc = parseManifest(hit, undefined, `manifest ${repo}@${digest} (cached)`);
    return { body: hit, digest, mediaType: doc.mediaType, doc };
  }
  const m = await client.manifest(repo, digest);
  cache.put(digest, m.body);
  return m;
}

export async function openRegistryImage(ref: string, opts: ImageSourceOptions & { registry?: RegistryOptions } = {}): Promise<OpenedImage> {
  const r = parseReference(registryRefBody(ref), { defaultTag: 'latest' });
  const ropts = opts.registry ?? {};
  const { RegistryClient } = await import('../registry/client.js');
  const client = new RegistryClient(r.registry, ropts);
  try {
    return await open(ref, r, client, opts, ropts);
  } catch (e) {
    client.close();
    throw e;
  }
}

async function open(ref: string, r: ImageReference, client: RegistryClient, opts: ImageSourceOptions, ropts: RegistryOptions): Promise<OpenedImage> {
  const cache = new DocCache(ropts.noCache || !opts.tmpDir ? undefined : join(opts.tmpDir, 'registry'));
  const full = formatReference(r);
  const top = r.digest ? await manifestByDigest(client, cache, r.repository, r.digest) : await client.manifest(r.repository, manifestRef(r));
  let chosen: FetchedManifest = top;
  let platformWanted: Platform | undefined;
  if (top.doc.kind === 'index') {
    platformWanted = parsePlatform(opts.platform ?? DEFAULT_PLATFORM);
    const d = selectPlatform(top.doc, platformWanted, Boolean(opts.platform), `${full} (index ${top.digest})`);
    chosen = await manifestByDigest(client, cache, r.repository, d.digest);
    if (chosen.doc.kind !== 'manifest') throw new RegistryError(`${full}: the index entry for ${platformString(d.platform)} is another index (nested indexes are not followed)`);
  } else if (!r.digest) {
    cache.put(top.digest, top.body);
  }
  const m = chosen.doc as ImageManifestDoc;
  if (m.config.mediaType && m.config.mediaType !== MT.dockerConfig && m.config.mediaType !== MT.ociConfig) {
    throw new RegistryError(`${full} is not a container image: its config is '${m.config.mediaType}'${m.artifactType ? ` (artifact ${m.artifactType})` : ''}`);
  }
  for (const [i, l] of m.layers.entries()) {
    if (l.mediaType.includes('foreign')) throw new RegistryError(`${full}: layer ${i + 1} (${l.digest}) is a foreign layer (${l.mediaType}) hosted elsewhere; not supported`);
    if (l.mediaType.endsWith('+encrypted')) throw new RegistryError(`${full}: layer ${i + 1} (${l.digest}) is encrypted (${l.mediaType}); cannot be scanned`);
    if (!LAYER_TYPES.has(l.mediaType)) throw new RegistryError(`${full}: layer ${i + 1} (${l.digest}) has media type '${l.mediaType}', not an image layer`);
    if (l.size > client.maxBlob) throw new RegistryError(`${full}: layer ${i + 1} (${l.digest}) is ${l.size} bytes, above the ${client.maxBlob}-byte blob limit`);
  }
  let cfgBuf = cache.get(m.config.digest);
  if (!cfgBuf) {
    cfgBuf = await client.blobBytes(r.repository, m.config.digest, `config ${m.config.digest} of ${full}`);
    cache.put(m.config.digest, cfgBuf);
  }
  const config = parseConfig(cfgBuf, `config ${m.config.digest} of ${full}`);
  if (platformWanted && opts.platform && config.os && config.architecture && `${config.os}/${config.architecture}` !== `${platformWanted.os}/${platformWanted.architecture}`) {
    throw new RegistryError(`${full}: the index says ${platformString(platformWanted)} but the image config is ${platformOf(config)}`);
  }
  const repo = r.repository;
  const store: BlobStore = {
    where: full,
    has: () => true,
    size: async () => undefined,
    read: () => Promise.reject(new InputError('not used')),
    open: async (digest: string) => {
      const l = m.layers.find((x) => x.digest === digest);
      const idx = l ? m.layers.indexOf(l) : -1;
      return client.blobStream(repo, digest, l?.size, `layer ${idx + 1} (${digest}) of ${full}`);
    },
  };
  const name = familiarName(r);
  const img = storedImage(store, {
    ref,
    kind: 'registry',
    name,
    repoTags: r.tag ? [name] : [],
    manifestDigest: top.digest,
    configDigest: m.config.digest,
    config,
    platform: platformOf(config),
    ...(m.annotations ? { annotations: m.annotations } : {}),
    layers: m.layers.map((l) => ({ path: l.digest, digest: l.digest, size: l.size, mediaType: l.mediaType })),
  });
  // layers go to the walker's worker threads through a port each: this thread receives, the workers walk
  const served: ServedPort[] = [];
  img.layerBlob = async (index: number) => {
    const l = m.layers[index];
    if (!l) return undefined;
    const s = servePort(() => client.blobStream(repo, l.digest, l.size, `layer ${index + 1} (${l.digest}) of ${full}`));
    served.push(s);
    return { kind: 'port', port: s.port, size: l.size };
  };
  img.close = async () => {
    for (const s of served) s.close();
    client.close();
  };
  details.set(img, { reference: r, topDigest: top.digest, topMediaType: top.mediaType, manifestDigest: chosen.digest, client });
  return img;
}

export const registrySource: ImageSource = {
  name: 'registry',
  accepts: isRegistryRef,
  open: (ref: string, opts: ImageSourceOptions) => openRegistryImage(ref, opts),
};
