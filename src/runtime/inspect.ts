/**
 * Front end 3: `docker inspect` data (live from the Engine API, or a saved JSON file) → ContainerSpec,
 * through the field table (src/runtime/fields.ts).
 * Locations are JSON field paths (`HostConfig.Privileged`, `Mounts[2]`, ...).
 */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { EngineClient } from '../sources/engine/client.js';
import { emptySpec, type ContainerSpec, type HealthcheckSpec } from './model.js';
import { applyField, fieldsOf, healthFromTest, SpecBuilder, typeShape } from './fields.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = Record<string, any>;

const healthOf = (h: J | undefined | null): HealthcheckSpec | undefined => healthFromTest(h);

/** Image config (from /images/{id}/json) the container spec falls back to for user and healthcheck. */
export interface ImageFacts {
  user?: string;
  healthcheck?: HealthcheckSpec;
}

export function imageFactsFromInspect(img: J): ImageFacts {
  const c = (img?.Config ?? img?.ContainerConfig ?? {}) as J;
  return { user: typeof c.User === 'string' ? c.User : undefined, healthcheck: healthOf(c.Healthcheck) };
}

const INSPECT_FIELDS = fieldsOf('inspect');

/** One `docker inspect` container object → ContainerSpec (each field through the field table). Throws InputError when it is not one. */
export function inspectToSpec(c: J, image?: ImageFacts, where = 'inspect'): ContainerSpec {
  if (!c || typeof c !== 'object' || Array.isArray(c) || typeof c.HostConfig !== 'object' || c.HostConfig === null || typeof c.Config !== 'object') {
    throw new InputError(`${where}: not a container inspect object (needs Config and HostConfig)`);
  }
  const hc = c.HostConfig as J;
  const name = String(c.Name ?? c.Id ?? 'container').replace(/^\//, '');
  const spec = emptySpec('container', name);
  spec.container = name;
  spec.state = typeof c.State?.Status === 'string' ? c.State.Status : undefined;
  if (typeof c.Id === 'string' && c.Id) spec.containerId = c.Id;
  if (typeof c.State?.Pid === 'number' && c.State.Pid > 0) spec.pid = c.State.Pid;
  if (typeof c.AppArmorProfile === 'string') spec.appArmorProfile = c.AppArmorProfile;
  if (typeof c.Image === 'string' && c.Image.startsWith('sha256:')) spec.imageId = c.Image;
  spec.at[''] = { field: 'Config' };
  const b = new SpecBuilder(spec, {
    where: (r) => `${where}: ${r.field}`,
    who: '',
    baseDir: '/',
    envFrom: 'container',
    ctx: { hasMounts: Array.isArray(c.Mounts) && c.Mounts.length > 0 },
  });
  for (const nf of INSPECT_FIELDS) {
    let v: J = c;
    for (const k of nf.parts) v = v !== null && typeof v === 'object' ? v[k] : undefined;
    // a missing setting is located at the field that would hold it
    if (spec.at[nf.atKey] === undefined) spec.at[nf.atKey] = nf.ref;
    if (v === undefined || v === null) continue;
    // saved inspect data is lenient: a value of the wrong shape is skipped, not an error
    const shape = typeShape(nf.def);
    if (shape === 'list' && !Array.isArray(v) && !nf.native.via) continue;
    if (shape === 'map' && typeof v !== 'object') continue;
    try {
      applyField(b, nf, v, nf.ref, (i) => ({ field: typeof i === 'number' ? `${nf.native.key}[${i}]` : `${nf.native.key}["${i}"]` }));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  // joined networks come from NetworkSettings; the AppArmor profile the engine applied may be unconfined
  const nets = c.NetworkSettings?.Networks;
  if (nets && typeof nets === 'object') spec.networks = Object.keys(nets);
  spec.networkMode = typeof hc.NetworkMode === 'string' ? hc.NetworkMode : undefined;
  if (c.AppArmorProfile === 'unconfined' && !spec.privileged && spec.securityOpt.apparmor === undefined) spec.securityOpt.apparmor = 'unconfined';
  if (image) {
    spec.imageUser = image.user ?? '';
    spec.imageUserKnown = true;
    spec.imageHealthcheck = image.healthcheck;
    spec.imageHealthcheckKnown = true;
  }
  return spec;
}

/** Mark env vars that the image itself sets (same NAME=VALUE) as `image` so secret rules skip baked-in ones twice. */
export function markImageEnv(spec: ContainerSpec, imageEnv: string[]): void {
  const set = new Set(imageEnv);
  for (const e of spec.env) if (set.has(`${e.name}=${e.value ?? ''}`)) e.from = 'image';
}

/** Read a saved `docker inspect` file: an array of containers or a single object. */
export function readInspectFile(path: string): ContainerSpec[] {
  let text: string;
  try {
    const st = statSync(path);
    // a device or FIFO reports size 0 and may never end: only regular files are read
    if (!st.isFile()) throw new InputError(`${path}: not a regular file`);
    if (st.size > 256 * 1024 * 1024) throw new InputError(`${path}: larger than 256 MiB`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(data) ? data : [data];
  if (list.length === 0) throw new InputError(`${path}: no containers in the file`);
  const out: ContainerSpec[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    out[i] = inspectToSpec(list[i] as J, undefined, `${path}[${i}]`);
    list[i] = undefined; // the raw object is garbage from here on
  }
  return out;
}

/** Every container on the engine (running only, or all with `all`), with the image config looked up. */
export async function engineContainers(client: EngineClient, opts: { all?: boolean; filters?: Record<string, string[]> } = {}): Promise<ContainerSpec[]> {
  const query: Record<string, string | number | boolean | undefined> = { all: opts.all ? 1 : undefined };
  if (opts.filters && Object.keys(opts.filters).length) query.filters = JSON.stringify(opts.filters);
  const list = await client.json<Array<{ Id: string }>>('/containers/json', query);
  const images = new Map<string, { facts: ImageFacts; env: string[] } | undefined>();
  const refIds = new Map<string, string | undefined>();
  const out: ContainerSpec[] = [];
  for (const item of list) {
    let c: J;
    try {
      c = await client.json<J>(`/containers/${encodeURIComponent(item.Id)}/json`);
    } catch (e) {
      // removed between list and inspect
      if ((e as { status?: number }).status === 404) continue;
      throw e;
    }
    const imageId = String(c.Image ?? '');
    if (!images.has(imageId)) {
      try {
        const img = await client.json<J>(`/images/${encodeURIComponent(imageId)}/json`);
        images.set(imageId, { facts: imageFactsFromInspect(img), env: Array.isArray(img?.Config?.Env) ? img.Config.Env : [] });
      } catch {
        images.set(imageId, undefined);
      }
    }
    const img = images.get(imageId);
    const spec = inspectToSpec(c, img?.facts, `container ${item.Id.slice(0, 12)}`);
    if (img) markImageEnv(spec, img.env);
    await liveDetails(client, c, spec, refIds);
    out.push(spec);
  }
  return out;
}

const MAX_EXECS = 50;

/**
 * What only the live engine knows: the image ID the container's image reference names today, the processes of a
 * running container (from the host side: GET /containers/{id}/top runs nothing inside), and the exec sessions
 * the engine still holds. A container removed meanwhile, or an engine refusing one of these, leaves the field unset.
 */
async function liveDetails(client: EngineClient, c: J, spec: ContainerSpec, refIds: Map<string, string | undefined>): Promise<void> {
  const ref = typeof c.Config?.Image === 'string' ? c.Config.Image : '';
  if (ref && !ref.startsWith('sha256:')) {
    if (!refIds.has(ref)) {
      const id = await client
        .json<J>(`/images/${encodeURIComponent(ref)}/json`)
        .then((i) => (typeof i?.Id === 'string' ? i.Id : undefined))
        .catch(() => undefined);
      refIds.set(ref, id);
    }
    const now = refIds.get(ref);
    if (now) spec.imageRefId = now;
  }
  const id = encodeURIComponent(String(c.Id ?? ''));
  if (c.State?.Running === true) {
    try {
      const top = await client.json<{ Titles?: string[]; Processes?: string[][] }>(`/containers/${id}/top`);
      const col = Math.max(0, (top.Titles ?? []).findIndex((t) => t === 'CMD' || t === 'COMMAND'));
      spec.processes = (top.Processes ?? []).map((p) => String(p[col] ?? p[p.length - 1] ?? ''));
    } catch {
      // stopped meanwhile
    }
  }
  const ids: unknown[] = Array.isArray(c.ExecIDs) ? c.ExecIDs.slice(0, MAX_EXECS) : [];
  if (ids.length) {
    spec.execs = [];
    for (const e of ids) {
      try {
        const x = await client.json<J>(`/exec/${encodeURIComponent(String(e))}/json`);
        const pc = (x.ProcessConfig ?? {}) as J;
        spec.execs.push({
          id: String(e),
          privileged: pc.privileged === true,
          user: typeof pc.user === 'string' ? pc.user : '',
          command: [pc.entrypoint, ...(Array.isArray(pc.arguments) ? pc.arguments : [])].filter((v) => typeof v === 'string').join(' '),
          running: x.Running === true,
        });
      } catch {
        // the engine dropped it meanwhile
      }
    }
  }
}
