/**
 * OCI image layout, as a directory or a tar: index.json -> (nested) indexes -> the manifest for the wanted
 * platform (default linux/amd64; an error lists the platforms on offer) -> config + layers. Every blob is
 * checked against the digest its descriptor names.
 * References: `oci:PATH[:REFNAME]`, or a plain directory / tar path holding an OCI layout.
 */
import { existsSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { DirBlobStore, TarBlobStore, parseJson, type BlobStore } from './blobstore.js';
import { parseConfig, platformOf, storedImage, verifyBlob } from './stored-image.js';
import type { ImageSource, ImageSourceOptions, OpenedImage } from './types.js';
import { isOciLayoutRef } from './refs.js';

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}
interface IndexDoc {
  schemaVersion?: number;
  mediaType?: string;
  manifests?: Descriptor[];
}
interface ManifestDoc {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  annotations?: Record<string, string>;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const REF_NAME = 'org.opencontainers.image.ref.name';

export const DEFAULT_PLATFORM = 'linux/amd64';

export function blobPath(digest: string): string {
  const m = /^([a-z0-9]+):([a-f0-9]{32,128})$/.exec(digest);
  if (!m) throw new InputError(`invalid digest '${digest}'`);
  return `blobs/${m[1]}/${m[2]}`;
}

export function parsePlatform(p: string): { os: string; architecture: string; variant?: string } {
  const [os, architecture, variant] = p.split('/');
  if (!os || !architecture) throw new InputError(`--platform takes os/arch[/variant], e.g. linux/amd64 (got '${p}')`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

function platformMatches(want: { os: string; architecture: string; variant?: string }, have: { os?: string; architecture?: string; variant?: string }): boolean {
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  if (want.variant && have.variant && want.variant !== have.variant) return false;
  if (want.variant && !have.variant) return want.architecture === 'arm64' && want.variant === 'v8';
  return true;
}

interface Candidate {
  desc: Descriptor;
  manifest: ManifestDoc;
  platform: { os?: string; architecture?: string; variant?: string };
  manifestDigest: string;
}

async function readVerified(store: BlobStore, desc: Descriptor, what: string): Promise<Buffer> {
  const buf = await store.read(blobPath(desc.digest));
  verifyBlob(buf, desc.digest, `${store.where}: ${what} ${desc.digest}`);
  return buf;
}

/** More manifests than any genuine index lists (platforms x attestations): beyond it, a layout is refused. */
export const MAX_MANIFESTS = 10_000;

/** "a, b, c, ... (N in all)": lists in messages stay one short line, whatever the input holds. */
export function listSome(items: string[], max = 10): string {
  const uniq = [...new Set(items)];
  return uniq.length <= max ? uniq.join(', ') : `${uniq.slice(0, max).join(', ')}, ... (${uniq.length} in all)`;
}

interface Walk {
  /** descriptors visited so far, over every index level */
  seen: number;
  /** parsed blobs by digest: a blob named by many descriptors is read and verified once */
  docs: Map<string, IndexDoc & ManifestDoc>;
}

/** Walk the indexes collecting image manifests (depth- and count-bounded). */
async function collect(store: BlobStore, descs: Descriptor[], depth: number, out: Candidate[], inherited?: Descriptor, walk: Walk = { seen: 0, docs: new Map() }): Promise<void> {
  if (depth > 8) throw new InputError(`${store.where}: image indexes nested deeper than 8 levels`);
  if (!Array.isArray(descs)) throw new InputError(`${store.where}: an image index whose manifests are not a list`);
  for (const d of descs) {
    if (++walk.seen > MAX_MANIFESTS) throw new InputError(`${store.where}: the image index lists more than ${MAX_MANIFESTS} manifests (not a genuine layout?)`);
    if (!d || typeof d.digest !== 'string') throw new InputError(`${store.where}: an index entry without a digest`);
    let doc = walk.docs.get(d.digest);
    if (!doc) {
      const buf = await readVerified(store, d, 'manifest');
      doc = parseJson<IndexDoc & ManifestDoc>(buf, `${store.where}: blob ${d.digest}`);
      walk.docs.set(d.digest, doc);
    }
    const mt = doc.mediaType ?? d.mediaType ?? '';
    if (INDEX_TYPES.has(mt) || (Array.isArray(doc.manifests) && !doc.layers)) {
      await collect(store, doc.manifests ?? [], depth + 1, out, inherited ?? d, walk);
      continue;
    }
    if (!doc.config || !Array.isArray(doc.layers)) continue; // not an image manifest (artifact, attestation...)
    // attestation manifests carry platform unknown/unknown
    const plat = d.platform ?? {};
    if (plat.os === 'unknown') continue;
    out.push({ desc: { ...d, annotations: { ...(inherited?.annotations ?? {}), ...(d.annotations ?? {}) } }, manifest: doc, platform: plat, manifestDigest: d.digest });
  }
}

export async function openOciStore(store: BlobStore, ref: string, opts: ImageSourceOptions, refName?: string): Promise<OpenedImage> {
  if (!(await store.has('index.json'))) throw new InputError(`${store.where}: no index.json (not an OCI image layout)`);
  const index = parseJson<IndexDoc>(await store.read('index.json'), `${store.where}/index.json`);
  let top = index.manifests ?? [];
  if (!Array.isArray(top)) throw new InputError(`${store.where}/index.json: manifests is not a list`);
  if (top.length > MAX_MANIFESTS) throw new InputError(`${store.where}/index.json lists ${top.length} manifests, more than the ${MAX_MANIFESTS} a genuine layout holds`);
  if (refName) {
    top = top.filter((d) => d.annotations?.[REF_NAME] === refName || d.annotations?.['io.containerd.image.name']?.endsWith(`:${refName}`) || d.annotations?.['io.containerd.image.name'] === refName);
    if (top.length === 0) {
      const names = (index.manifests ?? []).map((d) => d.annotations?.[REF_NAME]).filter(Boolean);
      throw new InputError(`${store.where}: no image named '${refName}' in index.json${names.length ? ` (available: ${listSome(names as string[])})` : ''}`);
    }
  }
  const cands: Candidate[] = [];
  await collect(store, top, 0, cands);
  if (cands.length === 0) throw new InputError(`${store.where}: the layout holds no image manifest`);
  // platforms missing from descriptors come from the configs
  const configs = new Map<Candidate, Buffer>();
  for (const c of cands) {
    if (!c.platform.os) {
      const buf = await readVerified(store, c.manifest.config!, 'config');
      configs.set(c, buf);
      const cfg = parseConfig(buf, 'config');
      c.platform = { os: cfg.os, architecture: cfg.architecture, variant: cfg.variant };
    }
  }
  const want = parsePlatform(opts.platform ?? DEFAULT_PLATFORM);
  let chosen = cands.find((c) => platformMatches(want, c.platform));
  if (!chosen && !opts.platform && cands.length === 1) chosen = cands[0]; // a single-platform layout: take it
  if (!chosen) {
    const avail = [...new Set(cands.map((c) => [c.platform.os, c.platform.architecture, c.platform.variant].filter(Boolean).join('/')))];
    throw new InputError(`${store.where}: no image for platform ${opts.platform ?? DEFAULT_PLATFORM} (available: ${listSome(avail)}); pick one with --platform`);
  }
  const cfgDesc = chosen.manifest.config!;
  const cfgBuf = configs.get(chosen) ?? (await readVerified(store, cfgDesc, 'config'));
  const config = parseConfig(cfgBuf, `${store.where}: config ${cfgDesc.digest}`);
  const annotations = { ...(chosen.desc.annotations ?? {}), ...(chosen.manifest.annotations ?? {}) };
  const tag = annotations['io.containerd.image.name'] ?? annotations[REF_NAME];
  const layers = chosen.manifest.layers!.map((l) => {
    const o: { path: string; digest: string; size?: number; mediaType?: string } = { path: blobPath(l.digest), digest: l.digest };
    if (l.size !== undefined) o.size = l.size;
    if (l.mediaType) o.mediaType = l.mediaType;
    return o;
  });
  return storedImage(store, {
    ref,
    kind: 'oci-layout',
    name: tag ?? ref,
    repoTags: tag ? [tag] : [],
    manifestDigest: chosen.manifestDigest,
    configDigest: cfgDesc.digest,
    config,
    platform: platformOf(config),
    annotations,
    layers,
  });
}

function splitRef(ref: string): { path: string; refName?: string } {
  const body = ref.replace(/^oci:/, '');
  if (existsSync(body)) return { path: body };
  // PATH:REFNAME, where the ref name may hold colons itself (`name:tag`): the longest existing prefix is the path
  for (let i = body.lastIndexOf(':'); i > 0; i = body.lastIndexOf(':', i - 1)) {
    if (existsSync(body.slice(0, i))) return { path: body.slice(0, i), refName: body.slice(i + 1) };
  }
  return { path: body };
}

export const ociLayoutSource: ImageSource = {
  name: 'oci-layout',
  accepts: isOciLayoutRef,
  async open(ref: string, opts: ImageSourceOptions) {
    const { path, refName } = splitRef(ref);
    if (!existsSync(path)) throw new InputError(`no such OCI layout: ${path}`);
    const store = statSync(path).isDirectory() ? new DirBlobStore(path) : await TarBlobStore.open(path);
    return openOciStore(store, ref, opts, refName);
  },
};
