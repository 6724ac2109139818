/**
 * The containers (CIS section 5) and images (CIS section 4) a `bulwark cis` run looks at: live from the engine
 * under audit, or, for containers, from saved `docker inspect` files (`--from-inspect`, offline too).
 */
import { InputError } from '../core/errors.js';
import { EngineClient } from '../sources/engine/client.js';
import { engineContainers, readInspectFile } from '../runtime/inspect.js';
import { resolveProfiles } from '../profiles/resolve.js';
import type { ContainerSpec } from '../runtime/model.js';
import type { HostEvidence } from './types.js';
import { openDockerDaemon } from '../sources/docker-daemon.js';
import type { LocalImage } from '../analyzers/cis/images.js';
import type { OpenedImage } from '../sources/types.js';
import type { ImageScan } from '../image/types.js';
import { LayerCache } from '../image/cache.js';
import { layerCacheKey, scanImage } from '../image/scan.js';
import { isRecord, readIndex } from '../image/layer-index.js';
import { imageFilesAnalyzer } from '../analyzers/image/files-analyzer.js';

export interface WorkloadOptions {
  /** section 5: every container (default: running, created, exited: a stopped one restarts with its settings) or running ones (Docker Bench) */
  containers: 'all' | 'running';
  /** section 4: every local image (default) or the images of existing containers (`in-use`) */
  images: 'all' | 'in-use';
  /** saved `docker inspect` output to audit instead of the engine's containers */
  fromInspect?: string[];
}

export function validateWorkloadOptions(o: { containers?: string; images?: string; fromInspect?: string[] }): WorkloadOptions {
  const containers = o.containers ?? 'all';
  if (containers !== 'all' && containers !== 'running') throw new InputError(`--containers: expected all or running, got '${containers}'`);
  const images = o.images ?? 'all';
  if (images !== 'all' && images !== 'in-use') throw new InputError(`--images: expected all or in-use, got '${images}'`);
  return { containers, images, ...(o.fromInspect?.length ? { fromInspect: o.fromInspect } : {}) };
}

/** An engine client for the endpoint under audit, or why there is none. */
export function engineFor(ev: HostEvidence): EngineClient | string {
  if (ev.mode === 'offline') return 'offline audit (--root): no engine to list containers and images; give saved `docker inspect` output with --from-inspect for section 5';
  if (!ev.engine.info) return `the Engine API at ${ev.endpoint} is not available${ev.engine.error ? ` (${ev.engine.error})` : ''}`;
  return new EngineClient({ host: ev.endpoint, timeoutMs: 15_000 });
}

/** Section 5's containers, or why they could not be listed. */
export async function collectContainers(ev: HostEvidence, wo: WorkloadOptions): Promise<{ specs: ContainerSpec[]; what: string } | { error: string }> {
  if (wo.fromInspect) {
    let specs = wo.fromInspect.flatMap((f) => readInspectFile(f));
    for (const s of specs) resolveProfiles(s);
    if (wo.containers === 'running') specs = specs.filter((s) => s.state === 'running');
    return { specs, what: `${specs.length} ${wo.containers === 'running' ? 'running ' : ''}container(s) of ${wo.fromInspect.join(', ')}` };
  }
  const client = engineFor(ev);
  if (typeof client === 'string') return { error: client };
  try {
    const specs = await engineContainers(client, { all: wo.containers === 'all' });
    // the processes are visible in /proc only when the engine runs on this machine
    for (const s of specs) resolveProfiles(s, { live: client.host.startsWith('unix://') });
    return { specs, what: wo.containers === 'all' ? `${specs.length} container(s), running and stopped` : `${specs.length} running container(s)` };
  } catch (e) {
    if (e instanceof InputError) throw e;
    return { error: `containers could not be listed: ${(e as Error).message}` };
  }
}

const MAX_IMAGES = 5000;

/**
 * Section 4's images: every local image (GET /images/json, as `docker images`), or with `in-use` the images of
 * the containers section 5 checks. Each is described by its config and history only (no layer is read).
 */
export async function collectImages(ev: HostEvidence, wo: WorkloadOptions, containers?: ContainerSpec[]): Promise<{ images: LocalImage[]; what: string; skipped: string[] } | { error: string }> {
  const client = engineFor(ev);
  if (typeof client === 'string') return { error: client.replace(/; give saved .*$/, '') };
  const listed = ev.engine.images;
  if (!listed) return { error: `the image list is not available (${ev.engine.error ?? 'not queried'})` };
  const digests = new Map(listed.map((i) => [String(i.Id ?? ''), Array.isArray(i.RepoDigests) ? (i.RepoDigests as unknown[]).map(String) : []]));
  let ids = listed.map((i) => String(i.Id ?? '')).filter(Boolean);
  if (wo.images === 'in-use') {
    if (!containers) return { error: 'the containers could not be listed, so the images in use are unknown' };
    const used = new Set(containers.map((c) => c.imageId).filter(Boolean));
    ids = ids.filter((id) => used.has(id));
  }
  const images: LocalImage[] = [];
  const skipped: string[] = [];
  const cache = new LayerCache();
  for (const id of ids.slice(0, MAX_IMAGES)) {
    try {
      const image = await openDockerDaemon(id, { client });
      const tag = image.repoTags.find((t) => t && t !== '<none>:<none>');
      const scan = await cachedScan(image, cache);
      images.push({ name: tag ?? id.replace(/^sha256:/, '').slice(0, 12), id, image, repoDigests: digests.get(id) ?? [], ...(scan ? { scan } : {}) });
    } catch {
      skipped.push(id); // removed between the list and the inspect
    }
  }
  const what = wo.images === 'in-use' ? `${images.length} image(s) of the checked containers` : `${images.length} local image(s)`;
  return { images, what, skipped };
}

/**
 * The image's files, when every layer is in Bulwark's layer cache from an earlier `bulwark image` scan (entries
 * and the files analyzer's facts): then the scan reads no layer. Otherwise undefined: reading every layer of
 * every local image is not what a benchmark run should cost.
 */
async function cachedScan(image: OpenedImage, cache: LayerCache): Promise<ImageScan | undefined> {
  if (image.layers.length === 0) return undefined;
  for (const l of image.layers) {
    const key = layerCacheKey(l);
    if (!key) return undefined;
    if (!readIndex(cache, key)) return undefined;
    if (!cache.get(key, imageFilesAnalyzer.name, imageFilesAnalyzer.version, isRecord)) return undefined;
  }
  try {
    return await scanImage(image, [imageFilesAnalyzer], { walkIn: 'main' });
  } catch {
    return undefined;
  }
}
