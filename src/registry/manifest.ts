/**
 * Manifests as the registry serves them: Docker schema 2 manifests and manifest lists, OCI image
 * manifests and indexes. Parsed strictly enough that a hostile document cannot steer the reader (digests
 * checked by shape, sizes are non-negative integers, bounded lists); schema 1 is refused with a clear message.
 */
import { RegistryError, oneLine } from './errors.js';

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export const MANIFEST_ACCEPT = [MT.ociIndex, MT.dockerList, MT.ociManifest, MT.dockerManifest].join(', ');
const INDEX_TYPES = new Set<string>([MT.ociIndex, MT.dockerList]);
const IMAGE_TYPES = new Set<string>([MT.ociManifest, MT.dockerManifest]);

export const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_ENTRIES = 10_000;

export interface Platform {
  os?: string;
  architecture?: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface IndexDoc {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageManifestDoc {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  /** OCI 1.1 artifactType (signatures, SBOMs attached as artifacts) */
  artifactType?: string;
}

export type ManifestDoc = IndexDoc | ImageManifestDoc;

function stringMap(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new RegistryError(`${what}: annotations is not an object`);
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (++n > 1000) throw new RegistryError(`${what}: more than 1000 annotations`);
    if (typeof val === 'string') out[k] = val;
  }
  return out;
}

function descriptor(v: unknown, what: string): Descriptor {
  const d = v as Record<string, unknown>;
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new RegistryError(`${what} is not a descriptor object`);
  if (typeof d.digest !== 'string' || !DIGEST_RE.test(d.digest)) throw new RegistryError(`${what} has an invalid digest '${oneLine(String(d.digest), 80)}'`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw new RegistryError(`${what} (${d.digest}) has an invalid size`);
  const out: Descriptor = { mediaType: typeof d.mediaType === 'string' ? d.mediaType : '', digest: d.digest, size: d.size };
  if (d.platform && typeof d.platform === 'object') {
    const p = d.platform as Record<string, unknown>;
    out.platform = {};
    if (typeof p.os === 'string') out.platform.os = p.os;
    if (typeof p.architecture === 'string') out.platform.architecture = p.architecture;
    if (typeof p.variant === 'string') out.platform.variant = p.variant;
  }
  const ann = stringMap(d.annotations, what);
  if (ann) out.annotations = ann;
  if (Array.isArray(d.urls)) out.urls = d.urls.filter((u): u is string => typeof u === 'string');
  return out;
}

/** Parse a manifest body; `contentType` is the response's Content-Type (the body's mediaType wins when set). */
export function parseManifest(body: Buffer, contentType: string | undefined, what: string): ManifestDoc {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new RegistryError(`${what} is not valid JSON (${oneLine((e as Error).message, 100)})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new RegistryError(`${what} is not a JSON object`);
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const mt = typeof doc.mediaType === 'string' ? doc.mediaType : ct;
  if (doc.schemaVersion === 1 || mt === MT.schema1 || mt === MT.schema1Signed) {
    throw new RegistryError(`${what} is a Docker schema 1 manifest (deprecated, unsigned layers); re-push the image with a current client`);
  }
  if (doc.schemaVersion !== 2) throw new RegistryError(`${what} has schemaVersion ${oneLine(String(doc.schemaVersion), 20)} (2 expected)`);
  const isIndex = INDEX_TYPES.has(mt) || (!IMAGE_TYPES.has(mt) && Array.isArray(doc.manifests) && !Array.isArray(doc.layers));
  if (isIndex) {
    if (!Array.isArray(doc.manifests)) throw new RegistryError(`${what}: an index without a manifests list`);
    if (doc.manifests.length > MAX_ENTRIES) throw new RegistryError(`${what} lists more than ${MAX_ENTRIES} manifests`);
    const out: IndexDoc = { kind: 'index', mediaType: mt || MT.ociIndex, manifests: doc.manifests.map((m, i) => descriptor(m, `${what} manifests[${i}]`)) };
    const ann = stringMap(doc.annotations, what);
    if (ann) out.annotations = ann;
    return out;
  }
  if (!Array.isArray(doc.layers) || !doc.config) throw new RegistryError(`${what} is neither an image manifest nor an index (media type '${oneLine(mt || 'none', 80)}')`);
  if (doc.layers.length > MAX_ENTRIES) throw new RegistryError(`${what} lists more than ${MAX_ENTRIES} layers`);
  const out: ImageManifestDoc = {
    kind: 'manifest',
    mediaType: mt || MT.ociManifest,
    config: descriptor(doc.config, `${what} config`),
    layers: doc.layers.map((l, i) => descriptor(l, `${what} layers[${i}]`)),
  };
  const ann = stringMap(doc.annotations, what);
  if (ann) out.annotations = ann;
  if (typeof doc.artifactType === 'string') out.artifactType = doc.artifactType;
  return out;
}

export function platformString(p: Platform | undefined): string {
  return [p?.os ?? 'unknown', p?.architecture ?? 'unknown', p?.variant].filter(Boolean).join('/');
}

/** Does an index entry's platform satisfy the wanted one (`arm64` matches `arm64/v8`, as in containerd)? */
export function platformMatches(want: Platform, have: Platform | undefined): boolean {
  if (!have || have.os !== want.os || have.architecture !== want.architecture) return false;
  if (want.variant && have.variant && want.variant !== have.variant) return false;
  if (want.variant && !have.variant) return want.architecture === 'arm64' && want.variant === 'v8';
  return true;
}

/** The index entry for a platform; an error lists what the index offers. */
export function selectPlatform(index: IndexDoc, want: Platform, explicit: boolean, what: string): Descriptor {
  const images = index.manifests.filter((m) => m.platform?.os !== 'unknown' && !(m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'));
  const hit = images.find((m) => platformMatches(want, m.platform));
  if (hit) return hit;
  if (!explicit && images.length === 1) return images[0]!;
  const offered = [...new Set(images.map((m) => platformString(m.platform)))];
  throw new RegistryError(`${what} has no image for platform ${platformString(want)} (available: ${offered.join(', ') || 'none'}); pick one with --platform`);
}
