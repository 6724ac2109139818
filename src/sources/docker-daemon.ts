/**
 * `docker:NAME[:TAG]` — an image in the local Docker engine, read through the Engine API (DOCKER_HOST,
 * tcp+TLS honoured by EngineClient) without writing a copy of it to disk.
 *
 * Design: the metadata comes from `GET /images/{name}/json` (ID, RepoTags, os/arch, container config,
 * RootFS diff_ids) and `/images/{name}/history` (created-by), so the walker knows every layer's content
 * digest before any byte of the image is read — which lets a warm rescan be answered from the cache
 * without calling `/images/{name}/get` at all. On a cold scan the save stream (`/images/{name}/get`) is
 * read ONCE, in whatever member order the engine writes (Docker 20.10 writes `<config>.json`, the
 * `<v1id>/layer.tar` directories in lexical order and manifest.json LAST; newer engines write an OCI layout
 * with `blobs/sha256/...`). Each layer member is processed as it streams by:
 *  - a blob named by its content digest (`blobs/sha256/<diff_id>`) is known before it is read;
 *  - a legacy `<v1id>/layer.tar` is not (its name is a v1 chain ID), so it is walked speculatively while
 *    its digest is computed, and identified by that digest when it ends. Analyzers run as files stream by
 *    with a provisional `ctx.layer` (their outputs are keyed by layer content, never by position), and the
 *    walker files the result under the layer the digest names — or drops it when the blob is a layer the
 *    cache already had. Nothing is spilled to disk on this path, whatever the member order.
 * The stream stops early once every needed layer and the engine's config blob have been seen. The config
 * replaces the one derived from /json and /history (exact empty_layer flags, the builder's fields), so a scan
 * gives the same config whatever the order of the members, and the same as the storage path.
 * `layerEntries(i)` (random access, used outside the walker) has to read the stream up to layer i; legacy
 * members whose identity is unknown are spilled to a temp file under `tmpDir` while hashed, one at a time,
 * and removed straight after.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cacheRoot } from '../image/cache.js';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { InputError } from '../core/errors.js';
import { EngineClient, EngineError } from './engine/client.js';
import { blobLayerEntries, normalizePath } from './layer.js';
import { openLayerBlob } from './layer-blob.js';
import { engineStorage } from './engine-storage.js';
import { isDockerDaemonRef } from './refs.js';
import { layerRefs, parseConfig, platformOf, verifyBlob } from './stored-image.js';
import { TarReader, decodeName } from './tar/reader.js';
import type { ImageConfig, ImageSource, ImageSourceOptions, LayerEntries, LayerEntry, LayerRef, OpenedImage, StreamedLayer } from './types.js';

interface InspectDoc {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: string;
  Author?: string;
  Os?: string;
  Architecture?: string;
  Variant?: string;
  Config?: ImageConfig['config'] & Record<string, unknown>;
  RootFS?: { Type: string; Layers?: string[] };
  GraphDriver?: { Name?: string };
}
interface HistoryDoc {
  Created?: number;
  CreatedBy?: string;
  Size?: number;
  Comment?: string;
}

const LAYER_RE = /^(?:blobs\/sha256\/([a-f0-9]{64})|([a-f0-9]{64})\/layer\.tar)$/;

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/** Instructions that never make a layer, as BuildKit writes them in the history ("ENV A=b", "USER 65534"...). */
const EMPTY_INSTRUCTION = /^(?:ENV|LABEL|ARG|CMD|ENTRYPOINT|EXPOSE|USER|VOLUME|STOPSIGNAL|HEALTHCHECK|SHELL|ONBUILD|MAINTAINER)\b/;

/**
 * Whether a history entry of the Engine API made a layer. The API has no empty_layer flag and its Size is 0 for a
 * layer that only deletes or creates directories (`RUN rm -f x`, `RUN mkdir -p d`), so neither the size nor the
 * command alone tells: a non-zero size always means a layer; the classic builder's `#(nop)` marks an empty entry
 * except for COPY and ADD; BuildKit's metadata-only instructions are empty; anything else (RUN, COPY, ADD, an
 * imported base with no command) made a layer.
 */
function makesLayer(h: HistoryDoc): boolean {
  if ((h.Size ?? 0) > 0) return true;
  const cmd = (h.CreatedBy ?? '').trim();
  if (/#\(nop\)\s+(?:COPY|ADD)\b/.test(cmd)) return true;
  if (/#\(nop\)/.test(cmd)) return false;
  return !EMPTY_INSTRUCTION.test(cmd);
}

function historyFrom(hist: HistoryDoc[], layers: number): ImageConfig['history'] {
  const oldestFirst = [...hist].reverse();
  const byKind = oldestFirst.map(makesLayer);
  const nonEmptyBySize = oldestFirst.map((h) => (h.Size ?? 0) > 0);
  const nonEmptyByCmd = oldestFirst.map((h) => !/#\(nop\)/.test(h.CreatedBy ?? ''));
  const count = (a: boolean[]) => a.filter(Boolean).length;
  const flags = [byKind, nonEmptyBySize, nonEmptyByCmd].find((f) => count(f) === layers);
  return oldestFirst.map((h, i) => {
    const e: NonNullable<ImageConfig['history']>[number] = {};
    if (h.Created) e.created = new Date(h.Created * 1000).toISOString();
    if (h.CreatedBy) e.created_by = h.CreatedBy;
    if (h.Comment) e.comment = h.Comment;
    // with no consistent way to tell empty entries apart, mark none (created-by then comes from the real config)
    e.empty_layer = flags ? !flags[i] : false;
    return e;
  });
}

export function parseDockerRef(ref: string): string {
  const name = ref.replace(/^docker:/, '').replace(/^docker-daemon:/, '');
  if (!name) throw new InputError('docker: needs an image name, e.g. docker:alpine:3.20');
  if (name.includes('@') || name.startsWith('sha256:') || /^[a-f0-9]{12,64}$/.test(name)) return name;
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash + 1).includes(':') ? name : `${name}:latest`;
}

export async function openDockerDaemon(ref: string, opts: ImageSourceOptions & { client?: EngineClient } = {}): Promise<OpenedImage> {
  const name = parseDockerRef(ref);
  const client = opts.client ?? new EngineClient();
  const enc = encodeURIComponent(name);
  let inspect: InspectDoc;
  // the two requests go out together: each is a round trip to the engine (tens of ms on a busy one)
  const histP = client.json<HistoryDoc[]>(`/images/${enc}/history`).catch(() => [] as HistoryDoc[]);
  try {
    inspect = await client.json<InspectDoc>(`/images/${enc}/json`);
  } catch (e) {
    await histP;
    if (e instanceof EngineError && e.status === 404) throw new InputError(`no image '${name}' in the Docker engine at ${client.host}`);
    throw e;
  }
  const hist = await histP;
  const diffIds = inspect.RootFS?.Layers ?? [];
  const config: ImageConfig = {
    architecture: inspect.Architecture,
    os: inspect.Os,
    created: inspect.Created,
    config: inspect.Config ?? {},
    rootfs: { type: inspect.RootFS?.Type ?? 'layers', diff_ids: diffIds },
    history: historyFrom(hist, diffIds.length),
  };
  if (inspect.Variant) config.variant = inspect.Variant;
  if (inspect.Author) config.author = inspect.Author;
  if (opts.platform && platformOf(config) !== opts.platform && `${config.os}/${config.architecture}` !== opts.platform) {
    throw new InputError(`the engine's image '${name}' is ${platformOf(config)}, not ${opts.platform}`);
  }
  // layers of a docker-daemon image are keyed by diff_id: the save stream carries them uncompressed
  const layers = layerRefs(
    config,
    diffIds.map((d) => ({ digest: d, diffId: d })),
  );
  const byDiff = new Map<string, LayerRef>();
  for (const l of layers) if (!byDiff.has(l.diffId!)) byDiff.set(l.diffId!, l); // a repeated layer maps to its first index
  const configHex = /^sha256:([a-f0-9]{64})$/.exec(inspect.Id)?.[1];
  let configSeen = false;

  const refine = (buf: Buffer) => {
    configSeen = true;
    verifyBlob(buf, inspect.Id, `image ${name}: config`);
    const real = parseConfig(buf, `image ${name}: config`);
    img.config = real;
    const refs = layerRefs(real, layers.map((l) => ({ digest: l.digest, diffId: l.diffId! })));
    refs.forEach((r, i) => {
      const l = layers[i]!;
      if (r.createdBy !== undefined) l.createdBy = r.createdBy;
      else delete l.createdBy;
      if (r.created !== undefined) l.created = r.created;
    });
  };

  interface Member {
    known?: LayerRef;
    first: Buffer;
    rest: AsyncIterator<Buffer>;
    size: number;
  }
  /** One pass over the save stream, yielding the layer-like members (each must be consumed before the next). */
  async function* members(): AsyncGenerator<Member> {
    const res = await client.stream(`/images/${enc}/get`);
    try {
      const tar = new TarReader(res as AsyncIterable<Buffer>);
      for (;;) {
        const h = await tar.next();
        if (!h) break;
        if (h.type !== 'file' || h.size === 0) continue;
        const path = normalizePath(decodeName(h.name)).path;
        const configMember = configHex && (path === `${configHex}.json` || path === `blobs/sha256/${configHex}`);
        const m = LAYER_RE.exec(path);
        if (!configMember && !m) continue;
        const it = tar.content()[Symbol.asyncIterator]();
        const firstR = await it.next();
        const first = firstR.done ? Buffer.alloc(0) : Buffer.from(firstR.value);
        if (configMember) {
          if (h.size > 64 * 1024 * 1024) continue;
          const parts = [first];
          for (let r = await it.next(); !r.done; r = await it.next()) parts.push(Buffer.from(r.value));
          refine(Buffer.concat(parts));
          continue;
        }
        if (first[0] === 0x7b /* '{' */) continue; // a JSON blob (manifest, index), not a layer
        // a blob named by a digest that is no diff_id is a compressed layer (containerd store): identified by content
        const known = m![1] ? byDiff.get(`sha256:${m![1]}`) : undefined;
        yield { known, first, rest: it, size: h.size };
      }
    } finally {
      res.destroy();
    }
  }

  const img: OpenedImage = {
    ref,
    kind: 'docker-daemon',
    name: inspect.RepoTags?.includes(name) ? name : (inspect.RepoTags?.[0] ?? name),
    repoTags: inspect.RepoTags ?? [],
    configDigest: inspect.Id,
    config,
    layers,
    // the save stream carries each layer as an uncompressed tar: the history's layer sizes (content bytes) add up to
    // a little less than what is read, and progress clamps to what has been read
    ...(hist.length ? { totalBytes: hist.reduce((a, h) => a + Math.max(0, h.Size ?? 0), 0) } : {}),
    platform: platformOf(config),
    async streamLayers(need: Set<number>, visit: (l: StreamedLayer) => Promise<void>) {
      const done = new Set<number>();
      const remaining = () => [...need].some((i) => !done.has(i));
      if (!remaining()) return;
      for await (const { known, first, rest } of members()) {
        // every layer is done, only read on for the config (the save tar's order is its names' order: random)
        if (!remaining()) {
          if (configSeen) break;
          continue;
        }
        if (known && (done.has(known.index) || !need.has(known.index))) continue;
        const ref = known ?? { index: -1, digest: '' };
        const entries = blobLayerEntries(async () => prepend(first, rest), ref, { compute: !known, label: known ? undefined : 'a layer of the save stream' });
        let identified: LayerRef | undefined;
        await visit({
          entries,
          ...(known ? { layer: known } : {}),
          identify: () => {
            if (known) return known;
            const l = entries.stats.diffId ? byDiff.get(entries.stats.diffId) : undefined;
            identified = l && !done.has(l.index) ? l : undefined;
            return identified;
          },
        });
        const got = known ?? identified;
        if (got) done.add(got.index);
        // the config is read whatever the history gave: the scan's config must not depend on the members' order
        if (!remaining() && (configSeen || !configHex)) break;
      }
    },
    layerEntries(index: number): LayerEntries {
      const want = layers[index];
      if (!want) throw new InputError(`no layer ${index + 1} (the image has ${layers.length})`);
      const out: LayerEntries = { warnings: [], stats: { compressedBytes: 0, uncompressedBytes: 0, compression: 'none' }, [Symbol.asyncIterator]: () => gen() };
      async function* gen(): AsyncGenerator<LayerEntry> {
        // temp files only ever go under the cache dir (or the caller's tmpDir)
        const base = opts.tmpDir ?? join(cacheRoot(), 'tmp');
        await mkdir(base, { recursive: true });
        const tmpRoot = await mkdtemp(join(base, 'bulwark-layer-'));
        try {
          let found = false;
          const spill = join(tmpRoot, 'layer');
          for await (const { known, first, rest } of members()) {
            let source: (() => Promise<AsyncIterable<Buffer>>) | undefined;
            if (known) {
              if (known.index !== index) continue;
              source = async () => prepend(first, rest);
            } else {
              const h = createHash('sha256');
              await pipeline(
                Readable.from(
                  (async function* () {
                    for await (const c of prepend(first, rest)) {
                      h.update(c);
                      yield c;
                    }
                  })(),
                ),
                createWriteStream(spill, { mode: 0o600 }),
              );
              if (`sha256:${h.digest('hex')}` !== want.diffId) {
                await rm(spill, { force: true });
                continue;
              }
              source = async () => createReadStream(spill, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>;
            }
            const inner = blobLayerEntries(source, want, { verifyRaw: false });
            out.warnings = inner.warnings;
            out.stats = inner.stats;
            for await (const e of inner) yield e;
            found = true;
            break;
          }
          if (!found) throw new InputError(`layer ${index + 1} (${want.diffId}) was not found in the engine's save stream of ${name}`);
        } finally {
          await rm(tmpRoot, { recursive: true, force: true });
        }
      }
      return out;
    },
    async close() {},
  };
  // on the engine's host, as root: the layers straight from its overlay2 storage (random access, verified)
  const direct = opts.engineRead === 'api' ? undefined : await engineStorage(client, inspect.Id, diffIds, inspect.GraphDriver?.Name);
  if (direct) {
    refine(direct.config);
    delete img.streamLayers;
    img.layerBlob = async (index: number) => direct.blobs[index];
    img.layerEntries = (index: number): LayerEntries => {
      const want = layers[index];
      const blob = direct.blobs[index];
      if (!want || !blob) throw new InputError(`no layer ${index + 1} (the image has ${layers.length})`);
      return openLayerBlob(blob, want);
    };
  }
  return img;
}

export const dockerDaemonSource: ImageSource = {
  name: 'docker-daemon',
  accepts: isDockerDaemonRef,
  open: (ref, opts) => openDockerDaemon(ref, opts),
};
