/**
 * Front end 3: `docker inspect` data (live from the Engine API, or a saved JSON file) → ContainerSpec.
 * Locations are JSON field paths (`HostConfig.Privileged`, `Mounts[2]`, ...).
 */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { EngineClient } from '../sources/engine/client.js';
import { addSecurityOpt, emptySpec, normCap, type ContainerSpec, type HealthcheckSpec, type MountType } from './model.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = Record<string, any>;

function healthOf(h: J | undefined | null): HealthcheckSpec | undefined {
  if (!h || !Array.isArray(h.Test) || h.Test.length === 0) return undefined;
  const test = h.Test.map(String);
  return { test, disabled: test[0] === 'NONE' };
}

/** Image config (from /images/{id}/json) the container spec falls back to for user and healthcheck. */
export interface ImageFacts {
  user?: string;
  healthcheck?: HealthcheckSpec;
}

export function imageFactsFromInspect(img: J): ImageFacts {
  const c = (img?.Config ?? img?.ContainerConfig ?? {}) as J;
  return { user: typeof c.User === 'string' ? c.User : undefined, healthcheck: healthOf(c.Healthcheck) };
}

/** One `docker inspect` container object → ContainerSpec. Throws InputError when it is not one. */
export function inspectToSpec(c: J, image?: ImageFacts, where = 'inspect'): ContainerSpec {
  if (!c || typeof c !== 'object' || Array.isArray(c) || typeof c.HostConfig !== 'object' || c.HostConfig === null || typeof c.Config !== 'object') {
    throw new InputError(`${where}: not a container inspect object (needs Config and HostConfig)`);
  }
  const hc = c.HostConfig as J;
  const cfg = c.Config as J;
  const name = String(c.Name ?? c.Id ?? 'container').replace(/^\//, '');
  const spec = emptySpec('container', name);
  spec.container = name;
  spec.image = typeof cfg.Image === 'string' ? cfg.Image : undefined;
  spec.state = typeof c.State?.Status === 'string' ? c.State.Status : undefined;
  if (typeof c.Id === 'string' && c.Id) spec.containerId = c.Id;
  if (typeof c.State?.Pid === 'number' && c.State.Pid > 0) spec.pid = c.State.Pid;
  if (typeof c.AppArmorProfile === 'string') spec.appArmorProfile = c.AppArmorProfile;
  const at = (key: string, field: string) => (spec.at[key] = { field });
  at('', 'Config');
  spec.privileged = hc.Privileged === true;
  at('privileged', 'HostConfig.Privileged');
  (Array.isArray(hc.CapAdd) ? hc.CapAdd : []).forEach((x: unknown, i: number) => {
    spec.capAdd.push(normCap(String(x)));
    at(`capAdd.${i}`, `HostConfig.CapAdd[${i}]`);
  });
  at('capAdd', 'HostConfig.CapAdd');
  for (const x of Array.isArray(hc.CapDrop) ? hc.CapDrop : []) spec.capDrop.push(normCap(String(x)));
  at('capDrop', 'HostConfig.CapDrop');
  if (typeof cfg.User === 'string' && cfg.User !== '') spec.user = cfg.User;
  at('user', 'Config.User');
  if (image) {
    spec.imageUser = image.user ?? '';
    spec.imageUserKnown = true;
    spec.imageHealthcheck = image.healthcheck;
    spec.imageHealthcheckKnown = true;
  }
  spec.networkMode = typeof hc.NetworkMode === 'string' ? hc.NetworkMode : undefined;
  at('networkMode', 'HostConfig.NetworkMode');
  const nets = c.NetworkSettings?.Networks;
  if (nets && typeof nets === 'object') spec.networks = Object.keys(nets);
  const ns = (k: keyof ContainerSpec & string, v: unknown, field: string) => {
    if (typeof v === 'string' && v !== '') (spec as unknown as J)[k] = v;
    at(k, field);
  };
  ns('pidMode', hc.PidMode, 'HostConfig.PidMode');
  ns('ipcMode', hc.IpcMode, 'HostConfig.IpcMode');
  ns('utsMode', hc.UTSMode, 'HostConfig.UTSMode');
  ns('usernsMode', hc.UsernsMode, 'HostConfig.UsernsMode');
  ns('cgroupnsMode', hc.CgroupnsMode, 'HostConfig.CgroupnsMode');
  // Mounts: the resolved list (binds, volumes, --mount), then HostConfig.Tmpfs
  const mounts = Array.isArray(c.Mounts) ? (c.Mounts as J[]) : [];
  mounts.forEach((m, i) => {
    const type = (['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'].includes(m.Type) ? m.Type : 'volume') as MountType;
    at(`mounts.${spec.mounts.length}`, `Mounts[${i}]`);
    spec.mounts.push({
      type,
      source: type === 'volume' ? (m.Name ?? undefined) : (m.Source ?? undefined),
      target: String(m.Destination ?? m.Target ?? ''),
      readOnly: m.RW === false,
      propagation: typeof m.Propagation === 'string' && m.Propagation !== '' ? m.Propagation : undefined,
      selinux: typeof m.Mode === 'string' && /^[zZ]$/.test(m.Mode) ? m.Mode : undefined,
    });
  });
  at('mounts', 'Mounts');
  if (mounts.length === 0 && Array.isArray(hc.Binds)) {
    // saved inspect of a container never started may lack Mounts: fall back to Binds
    hc.Binds.forEach((b: string, i: number) => {
      const [src, dst, opts = ''] = String(b).split(':');
      at(`mounts.${spec.mounts.length}`, `HostConfig.Binds[${i}]`);
      spec.mounts.push({
        type: src?.startsWith('/') ? 'bind' : 'volume',
        source: src,
        target: dst ?? '',
        readOnly: opts.split(',').includes('ro'),
        propagation: opts.split(',').find((o) => /^r?(shared|slave|private)$/.test(o)),
      });
    });
  }
  if (hc.Tmpfs && typeof hc.Tmpfs === 'object') {
    for (const [t, o] of Object.entries(hc.Tmpfs as Record<string, string>)) spec.tmpfs.push({ target: t, options: String(o ?? '') });
  }
  at('tmpfs', 'HostConfig.Tmpfs');
  (Array.isArray(hc.Devices) ? (hc.Devices as J[]) : []).forEach((d, i) => {
    at(`devices.${i}`, `HostConfig.Devices[${i}]`);
    spec.devices.push({ host: String(d.PathOnHost ?? ''), container: String(d.PathInContainer ?? ''), permissions: String(d.CgroupPermissions ?? 'rwm') });
  });
  at('devices', 'HostConfig.Devices');
  (Array.isArray(hc.DeviceCgroupRules) ? (hc.DeviceCgroupRules as string[]) : []).forEach((r, i) => {
    spec.deviceCgroupRules.push(String(r));
    at(`deviceCgroupRules.${i}`, `HostConfig.DeviceCgroupRules[${i}]`);
  });
  if (hc.PortBindings && typeof hc.PortBindings === 'object') {
    for (const [key, binds] of Object.entries(hc.PortBindings as Record<string, J[] | null>)) {
      const [cport, proto = 'tcp'] = key.split('/');
      for (const b of binds ?? [{}]) {
        at(`ports.${spec.ports.length}`, `HostConfig.PortBindings["${key}"]`);
        spec.ports.push({
          hostIp: b.HostIp || undefined,
          hostPort: b.HostPort || undefined,
          containerPort: cport!,
          protocol: (['tcp', 'udp', 'sctp'].includes(proto) ? proto : 'tcp') as 'tcp' | 'udp' | 'sctp',
        });
      }
    }
  }
  at('ports', 'HostConfig.PortBindings');
  spec.publishAll = hc.PublishAllPorts === true;
  at('publishAll', 'HostConfig.PublishAllPorts');
  for (const o of Array.isArray(hc.SecurityOpt) ? hc.SecurityOpt : []) addSecurityOpt(spec.securityOpt, String(o));
  if (c.AppArmorProfile === 'unconfined' && !spec.privileged && spec.securityOpt.apparmor === undefined) spec.securityOpt.apparmor = 'unconfined';
  at('securityOpt', 'HostConfig.SecurityOpt');
  if (typeof hc.Memory === 'number' && hc.Memory > 0) spec.memory = hc.Memory;
  at('memory', 'HostConfig.Memory');
  if (typeof hc.MemorySwap === 'number' && hc.MemorySwap !== 0) spec.memorySwap = hc.MemorySwap;
  if (typeof hc.NanoCpus === 'number' && hc.NanoCpus > 0) spec.cpus = hc.NanoCpus / 1e9;
  if (typeof hc.CpuShares === 'number' && hc.CpuShares > 0) spec.cpuShares = hc.CpuShares;
  if (typeof hc.CpuQuota === 'number' && hc.CpuQuota > 0) spec.cpuQuota = hc.CpuQuota;
  if (typeof hc.CpusetCpus === 'string' && hc.CpusetCpus) spec.cpusetCpus = hc.CpusetCpus;
  at('cpus', 'HostConfig.NanoCpus');
  if (typeof hc.PidsLimit === 'number' && hc.PidsLimit !== 0) spec.pidsLimit = hc.PidsLimit;
  at('pidsLimit', 'HostConfig.PidsLimit');
  spec.readOnlyRootfs = hc.ReadonlyRootfs === true;
  at('readOnlyRootfs', 'HostConfig.ReadonlyRootfs');
  for (const u of Array.isArray(hc.Ulimits) ? (hc.Ulimits as J[]) : []) {
    spec.ulimits.push({ name: String(u.Name), soft: Number(u.Soft), hard: Number(u.Hard) });
    at(`ulimits.${u.Name}`, 'HostConfig.Ulimits');
  }
  if (hc.Sysctls && typeof hc.Sysctls === 'object') {
    for (const [k, v] of Object.entries(hc.Sysctls as Record<string, string>)) {
      spec.sysctls[k] = String(v);
      at(`sysctls.${k}`, `HostConfig.Sysctls["${k}"]`);
    }
  }
  const imageEnv = new Set<string>();
  (Array.isArray(cfg.Env) ? (cfg.Env as string[]) : []).forEach((e, i) => {
    const s = String(e);
    const eq = s.indexOf('=');
    const name = eq >= 0 ? s.slice(0, eq) : s;
    spec.env.push({ name, value: eq >= 0 ? s.slice(eq + 1) : undefined, from: imageEnv.has(s) ? 'image' : 'container' });
    at(`env.${name}`, `Config.Env[${i}]`);
  });
  const rp = hc.RestartPolicy as J | undefined;
  if (rp && typeof rp.Name === 'string' && rp.Name !== '') {
    spec.restart = { name: rp.Name, maxRetries: typeof rp.MaximumRetryCount === 'number' && rp.MaximumRetryCount > 0 ? rp.MaximumRetryCount : undefined };
  }
  at('restart', 'HostConfig.RestartPolicy');
  spec.healthcheck = healthOf(cfg.Healthcheck);
  at('healthcheck', 'Config.Healthcheck');
  if (typeof hc.CgroupParent === 'string' && hc.CgroupParent) spec.cgroupParent = hc.CgroupParent;
  at('cgroupParent', 'HostConfig.CgroupParent');
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
    if (statSync(path).size > 256 * 1024 * 1024) throw new InputError(`${path}: larger than 256 MiB`);
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
  return list.map((c, i) => inspectToSpec(c as J, undefined, `${path}[${i}]`));
}

/** Every container on the engine (running only, or all with `all`), with the image config looked up. */
export async function engineContainers(client: EngineClient, opts: { all?: boolean; filters?: Record<string, string[]> } = {}): Promise<ContainerSpec[]> {
  const query: Record<string, string | number | boolean | undefined> = { all: opts.all ? 1 : undefined };
  if (opts.filters && Object.keys(opts.filters).length) query.filters = JSON.stringify(opts.filters);
  const list = await client.json<Array<{ Id: string }>>('/containers/json', query);
  const images = new Map<string, { facts: ImageFacts; env: string[] } | undefined>();
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
    out.push(spec);
  }
  return out;
}
