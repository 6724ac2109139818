/**
 * Compose service (merged, interpolated) → ContainerSpec, with the compose file position of every key.
 * Wrong types are InputErrors naming file:line:column.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { homedir } from 'node:os';
import { InputError } from '../../core/errors.js';
import { readEnvFile } from '../runargs.js';
import {
  addSecurityOpt,
  emptySpec,
  normCap,
  parseBytes,
  parsePortString,
  parseUlimit,
  type ContainerSpec,
  type HealthcheckSpec,
  type MountSpec,
  type MountType,
} from '../model.js';
import { listToMap, loadCompose, servicePos, serviceWhere, type ComposeProject, type LoadOptions } from './load.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

class Ctx {
  constructor(
    readonly project: ComposeProject,
    readonly service: string,
    readonly spec: ContainerSpec,
  ) {}
  err(path: Array<string | number>, msg: string): never {
    throw new InputError(`${serviceWhere(this.project, this.service, path)}: service '${this.service}': ${msg}`);
  }
  at(key: string, path: Array<string | number>): void {
    const last = path[path.length - 1];
    let item: J;
    if (typeof last === 'number') {
      let v: J = this.project.services[this.service];
      for (const k of path) v = v?.[k as any];
      item = v;
    }
    const p = servicePos(this.project, this.service, path, item);
    this.spec.at[key] = { field: ['services', this.service, ...path].join('.'), ...(p ? { file: p.file, line: p.line, column: p.column } : {}) };
  }
  str(v: J, path: Array<string | number>): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.err(path, `${path[path.length - 1]} must be a string, got ${kind(v)}`);
  }
  bool(v: J, path: Array<string | number>): boolean {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false|yes|no|on|off|1|0)$/i.test(v)) return /^(true|yes|on|1)$/i.test(v);
    return this.err(path, `${path[path.length - 1]} must be a boolean, got ${kind(v)} ${JSON.stringify(v)}`);
  }
  num(v: J, path: Array<string | number>): number {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) return this.err(path, `${path[path.length - 1]} must be a number, got ${kind(v)} ${JSON.stringify(v)}`);
    return n;
  }
  list(v: J, path: Array<string | number>): J[] {
    if (Array.isArray(v)) return v;
    return this.err(path, `${path[path.length - 1]} must be a list, got ${kind(v)}`);
  }
  strList(v: J, path: Array<string | number>): string[] {
    if (typeof v === 'string') return [v];
    return this.list(v, path).map((x, i) => this.str(x, [...path, i]));
  }
  map(v: J, path: Array<string | number>): Record<string, J> {
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    return this.err(path, `${path[path.length - 1]} must be a mapping, got ${kind(v)}`);
  }
  bytes(v: J, path: Array<string | number>): number {
    const b = parseBytes(typeof v === 'number' ? v : this.str(v, path));
    if (b === undefined) this.err(path, `invalid size ${JSON.stringify(v)}`);
    return b!;
  }
}

function kind(v: J): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

function hostPath(src: string, baseDir: string): string {
  if (src.startsWith('~')) return resolve(homedir(), src.slice(2));
  return isAbsolute(src) ? src : resolve(baseDir, src);
}

function isPathLike(src: string): boolean {
  return src.startsWith('/') || src.startsWith('.') || src.startsWith('~') || /^[A-Za-z]:[\\/]/.test(src);
}

/** Short volume syntax `[SRC:]DST[:MODE]` (compose allows relative sources). */
function shortVolume(c: Ctx, v: string, path: Array<string | number>, baseDir: string): MountSpec {
  const parts = v.split(':');
  let src: string | undefined;
  let dst: string;
  let mode = '';
  if (parts.length === 1) dst = parts[0]!;
  else if (parts.length === 2) {
    if (parts[1]!.startsWith('/')) [src, dst] = parts as [string, string];
    else [dst, mode] = parts as [string, string];
  } else if (parts.length === 3) [src, dst, mode] = parts as [string, string, string];
  else return c.err(path, `invalid volume '${v}'`);
  const m: MountSpec = { type: 'volume', target: dst, readOnly: false };
  if (src) {
    if (isPathLike(src)) {
      m.type = 'bind';
      m.source = hostPath(src, baseDir);
    } else m.source = src;
  }
  for (const o of mode.split(',').filter(Boolean)) {
    if (o === 'ro') m.readOnly = true;
    else if (o === 'rw') m.readOnly = false;
    else if (o === 'z' || o === 'Z') m.selinux = o;
    else if (PROPAGATIONS.has(o)) m.propagation = o;
    else if (!['nocopy', 'consistent', 'cached', 'delegated'].includes(o)) c.err(path, `invalid volume mode '${o}' in '${v}'`);
  }
  return m;
}

function parseHealth(c: Ctx, hc: J, path: string[]): HealthcheckSpec {
  const h = c.map(hc, path);
  if (h.disable !== undefined && c.bool(h.disable, [...path, 'disable'])) return { disabled: true, test: ['NONE'] };
  let test: string[] | undefined;
  if (h.test !== undefined) {
    if (typeof h.test === 'string') test = ['CMD-SHELL', h.test];
    else test = c.strList(h.test, [...path, 'test']);
  }
  return {
    disabled: test?.[0] === 'NONE',
    test,
    interval: h.interval !== undefined ? c.str(h.interval, [...path, 'interval']) : undefined,
    timeout: h.timeout !== undefined ? c.str(h.timeout, [...path, 'timeout']) : undefined,
    retries: h.retries !== undefined ? c.num(h.retries, [...path, 'retries']) : undefined,
    startPeriod: h.start_period !== undefined ? c.str(h.start_period, [...path, 'start_period']) : undefined,
  };
}

/** One service → ContainerSpec. */
export function serviceToSpec(project: ComposeProject, name: string): ContainerSpec {
  const svc = project.services[name];
  const spec = emptySpec('compose', name);
  spec.service = name;
  spec.file = project.files[0];
  const c = new Ctx(project, name, spec);
  if (svc === null || typeof svc !== 'object' || Array.isArray(svc)) c.err([], 'a service must be a mapping');
  const origin = servicePos(project, name, []);
  const baseDir = project.projectDir;
  c.at('', []);
  const s = svc as Record<string, J>;
  if (s.image !== undefined) spec.image = c.str(s.image, ['image']);
  if (s.container_name !== undefined) spec.container = c.str(s.container_name, ['container_name']);
  if (s.user !== undefined) {
    spec.user = c.str(s.user, ['user']);
    c.at('user', ['user']);
  }
  if (s.privileged !== undefined) {
    spec.privileged = c.bool(s.privileged, ['privileged']);
    c.at('privileged', ['privileged']);
  }
  if (s.cap_add !== undefined) {
    c.list(s.cap_add, ['cap_add']).forEach((x, i) => {
      c.at(`capAdd.${spec.capAdd.length}`, ['cap_add', i]);
      spec.capAdd.push(normCap(c.str(x, ['cap_add', i])));
    });
    c.at('capAdd', ['cap_add']);
  }
  if (s.cap_drop !== undefined) {
    c.list(s.cap_drop, ['cap_drop']).forEach((x, i) => spec.capDrop.push(normCap(c.str(x, ['cap_drop', i]))));
    c.at('capDrop', ['cap_drop']);
  }
  // network
  if (s.network_mode !== undefined) {
    const nm = c.str(s.network_mode, ['network_mode']);
    spec.networkMode = nm.startsWith('service:') ? `container:${nm.slice(8)}` : nm;
    c.at('networkMode', ['network_mode']);
  } else {
    if (s.networks !== undefined) {
      const nets = Array.isArray(s.networks) ? s.networks.map((x: J, i: number) => c.str(x, ['networks', i])) : Object.keys(c.map(s.networks, ['networks']));
      spec.networks = nets.map((n: string) => {
        const def = project.model.networks?.[n];
        return def && typeof def === 'object' && def.name ? String(def.name) : `${project.name}_${n}`;
      });
      c.at('networkMode', ['networks']);
    } else {
      spec.networks = [`${project.name}_default`];
      c.at('networkMode', []);
    }
    spec.networkMode = spec.networks[0];
  }
  const nsKey: Array<[keyof ContainerSpec & string, string]> = [
    ['pidMode', 'pid'],
    ['ipcMode', 'ipc'],
    ['utsMode', 'uts'],
    ['usernsMode', 'userns_mode'],
    ['cgroupnsMode', 'cgroup'],
    ['cgroupParent', 'cgroup_parent'],
  ];
  for (const [field, key] of nsKey) {
    if (s[key] === undefined || s[key] === null) continue;
    (spec as unknown as Record<string, unknown>)[field] = c.str(s[key], [key]);
    c.at(field, [key]);
  }
  // volumes / mounts
  if (s.volumes !== undefined) {
    c.list(s.volumes, ['volumes']).forEach((v, i) => {
      const p = ['volumes', i];
      let m: MountSpec;
      if (typeof v === 'string') m = shortVolume(c, v, p, baseDir);
      else {
        const o = c.map(v, p);
        const type = (o.type === undefined ? 'volume' : c.str(o.type, [...p, 'type'])) as MountType;
        if (!['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'].includes(type)) c.err([...p, 'type'], `invalid mount type '${type}'`);
        if (o.target === undefined) c.err(p, 'volume needs a target');
        m = { type, target: c.str(o.target, [...p, 'target']), readOnly: o.read_only !== undefined ? c.bool(o.read_only, [...p, 'read_only']) : false };
        if (o.source !== undefined) {
          const src = c.str(o.source, [...p, 'source']);
          m.source = type === 'bind' ? hostPath(src, baseDir) : src;
        }
        if (o.bind?.propagation !== undefined) m.propagation = c.str(o.bind.propagation, [...p, 'bind', 'propagation']);
        if (o.bind?.selinux !== undefined) m.selinux = c.str(o.bind.selinux, [...p, 'bind', 'selinux']);
        if (type === 'tmpfs') {
          spec.tmpfs.push({ target: m.target, options: o.tmpfs?.size !== undefined ? `size=${o.tmpfs.size}` : '' });
          return;
        }
      }
      c.at(`mounts.${spec.mounts.length}`, p);
      spec.mounts.push(m);
    });
    c.at('mounts', ['volumes']);
  }
  if (s.tmpfs !== undefined) {
    for (const t of c.strList(s.tmpfs, ['tmpfs'])) {
      const i = t.indexOf(':');
      spec.tmpfs.push({ target: i >= 0 ? t.slice(0, i) : t, options: i >= 0 ? t.slice(i + 1) : '' });
    }
    c.at('tmpfs', ['tmpfs']);
  }
  if (s.devices !== undefined) {
    c.list(s.devices, ['devices']).forEach((d, i) => {
      c.at(`devices.${spec.devices.length}`, ['devices', i]);
      if (typeof d === 'string') {
        const [host, container, perms] = d.split(':');
        spec.devices.push({ host: host!, container: container || host!, permissions: perms ?? 'rwm' });
      } else {
        const o = c.map(d, ['devices', i]);
        spec.devices.push({ host: c.str(o.source, ['devices', i, 'source']), container: String(o.target ?? o.source), permissions: String(o.permissions ?? 'rwm') });
      }
    });
  }
  if (s.device_cgroup_rules !== undefined) {
    c.strList(s.device_cgroup_rules, ['device_cgroup_rules']).forEach((r, i) => {
      c.at(`deviceCgroupRules.${i}`, ['device_cgroup_rules', i]);
      spec.deviceCgroupRules.push(r);
    });
  }
  // ports
  if (s.ports !== undefined) {
    c.list(s.ports, ['ports']).forEach((p, i) => {
      const path = ['ports', i];
      if (typeof p === 'string' || typeof p === 'number') {
        const ps = parsePortString(String(p));
        if (!ps) c.err(path, `invalid port '${p}'`);
        for (const x of ps!) {
          c.at(`ports.${spec.ports.length}`, path);
          spec.ports.push(x);
        }
      } else {
        const o = c.map(p, path);
        if (o.target === undefined) c.err(path, 'port needs a target');
        const proto = o.protocol === undefined ? 'tcp' : c.str(o.protocol, [...path, 'protocol']).toLowerCase();
        if (!['tcp', 'udp', 'sctp'].includes(proto)) c.err([...path, 'protocol'], `invalid protocol '${proto}'`);
        c.at(`ports.${spec.ports.length}`, path);
        spec.ports.push({
          containerPort: c.str(o.target, [...path, 'target']),
          hostPort: o.published !== undefined && o.published !== '' ? c.str(o.published, [...path, 'published']) : undefined,
          hostIp: o.host_ip !== undefined ? c.str(o.host_ip, [...path, 'host_ip']) : undefined,
          protocol: proto as 'tcp' | 'udp' | 'sctp',
        });
      }
    });
    c.at('ports', ['ports']);
  }
  if (s.security_opt !== undefined) {
    c.strList(s.security_opt, ['security_opt']).forEach((o, i) => {
      addSecurityOpt(spec.securityOpt, o);
      const k = /^(seccomp|apparmor|label)/.exec(o)?.[1];
      if (k) c.at(`securityOpt.${k}`, ['security_opt', i]);
    });
    c.at('securityOpt', ['security_opt']);
  }
  // resources: service-level keys, then deploy.resources.limits (which wins, as compose does)
  if (s.mem_limit !== undefined) {
    spec.memory = c.bytes(s.mem_limit, ['mem_limit']);
    c.at('memory', ['mem_limit']);
  }
  if (s.memswap_limit !== undefined) spec.memorySwap = s.memswap_limit === -1 || s.memswap_limit === '-1' ? -1 : c.bytes(s.memswap_limit, ['memswap_limit']);
  if (s.cpus !== undefined) {
    spec.cpus = c.num(s.cpus, ['cpus']);
    c.at('cpus', ['cpus']);
  }
  if (s.cpu_shares !== undefined) {
    spec.cpuShares = c.num(s.cpu_shares, ['cpu_shares']);
    c.at('cpus', ['cpu_shares']);
  }
  if (s.cpu_quota !== undefined) {
    spec.cpuQuota = c.num(s.cpu_quota, ['cpu_quota']);
    c.at('cpus', ['cpu_quota']);
  }
  if (s.cpuset !== undefined) {
    spec.cpusetCpus = c.str(s.cpuset, ['cpuset']);
    c.at('cpus', ['cpuset']);
  }
  if (s.pids_limit !== undefined) {
    spec.pidsLimit = c.num(s.pids_limit, ['pids_limit']);
    c.at('pidsLimit', ['pids_limit']);
  }
  if (s.deploy !== undefined && s.deploy !== null) {
    const d = c.map(s.deploy, ['deploy']);
    const lim = d.resources?.limits;
    if (lim !== undefined && lim !== null) {
      const L = c.map(lim, ['deploy', 'resources', 'limits']);
      if (L.memory !== undefined) {
        spec.memory = c.bytes(L.memory, ['deploy', 'resources', 'limits', 'memory']);
        c.at('memory', ['deploy', 'resources', 'limits', 'memory']);
      }
      if (L.cpus !== undefined) {
        spec.cpus = c.num(L.cpus, ['deploy', 'resources', 'limits', 'cpus']);
        c.at('cpus', ['deploy', 'resources', 'limits', 'cpus']);
      }
      if (L.pids !== undefined) {
        spec.pidsLimit = c.num(L.pids, ['deploy', 'resources', 'limits', 'pids']);
        c.at('pidsLimit', ['deploy', 'resources', 'limits', 'pids']);
      }
    }
    const rp = d.restart_policy;
    if (rp !== undefined && rp !== null && s.restart === undefined) {
      const R = c.map(rp, ['deploy', 'restart_policy']);
      const cond = R.condition === undefined ? 'any' : c.str(R.condition, ['deploy', 'restart_policy', 'condition']);
      const max = R.max_attempts !== undefined ? c.num(R.max_attempts, ['deploy', 'restart_policy', 'max_attempts']) : undefined;
      spec.restart = { name: cond === 'none' ? 'no' : cond === 'on-failure' ? 'on-failure' : max ? 'on-failure' : 'always', maxRetries: max };
      c.at('restart', ['deploy', 'restart_policy']);
    }
  }
  if (s.read_only !== undefined) {
    spec.readOnlyRootfs = c.bool(s.read_only, ['read_only']);
    c.at('readOnlyRootfs', ['read_only']);
  }
  if (s.ulimits !== undefined) {
    for (const [k, v] of Object.entries(c.map(s.ulimits, ['ulimits']))) {
      const u = parseUlimit(k, v as J);
      if (!u) c.err(['ulimits', k], `invalid ulimit ${JSON.stringify(v)}`);
      spec.ulimits.push(u!);
      c.at(`ulimits.${k}`, ['ulimits', k]);
    }
  }
  if (s.sysctls !== undefined) {
    const m = Array.isArray(s.sysctls) ? listToMap(s.sysctls) : c.map(s.sysctls, ['sysctls']);
    for (const [k, v] of Object.entries(m)) {
      spec.sysctls[k] = v === null ? '' : String(v);
      c.at(`sysctls.${k}`, ['sysctls', k]);
    }
    c.at('sysctls', ['sysctls']);
  }
  // env: env_file first, environment overrides
  if (s.env_file !== undefined) {
    const entries = typeof s.env_file === 'string' ? [s.env_file] : c.list(s.env_file, ['env_file']);
    entries.forEach((e: J, i: number) => {
      const path = typeof s.env_file === 'string' ? ['env_file'] : ['env_file', i];
      const o = typeof e === 'string' ? { path: e, required: true } : c.map(e, path);
      const file = resolve(baseDir, c.str(o.path, path));
      const required = o.required === undefined ? true : c.bool(o.required, [...path, 'required']);
      if (!existsSync(file)) {
        if (required) c.err(path, `env file ${file} not found`);
        return;
      }
      for (const v of readEnvFile(file)) {
        spec.env = spec.env.filter((x) => x.name !== v.name);
        spec.env.push({ ...v, from: 'compose-env_file', file });
        c.at(`env.${v.name}`, path);
      }
    });
  }
  if (s.environment !== undefined) {
    const m = Array.isArray(s.environment) ? listToMap(s.environment) : c.map(s.environment, ['environment']);
    const isList = Array.isArray(s.environment);
    Object.entries(m).forEach(([k, v], i) => {
      const value = v === null || v === undefined ? project.env[k] : String(v);
      spec.env = spec.env.filter((x) => x.name !== k);
      if (value === undefined) return;
      spec.env.push({ name: k, value, from: 'compose-environment' });
      c.at(`env.${k}`, isList ? ['environment', i] : ['environment', k]);
    });
  }
  if (s.restart !== undefined) {
    const r = c.str(s.restart, ['restart']);
    const [n, max] = r.split(':');
    if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(n!)) c.err(['restart'], `invalid restart policy '${r}'`);
    spec.restart = { name: n!, maxRetries: max !== undefined ? c.num(max, ['restart']) : undefined };
    c.at('restart', ['restart']);
  }
  if (s.healthcheck !== undefined && s.healthcheck !== null) {
    spec.healthcheck = parseHealth(c, s.healthcheck, ['healthcheck']);
    c.at('healthcheck', ['healthcheck']);
  }
  // validated for shape only (no rule reads them yet)
  for (const k of ['secrets', 'configs']) {
    if (s[k] === undefined) continue;
    c.list(s[k], [k]).forEach((x, i) => {
      if (typeof x !== 'string') {
        const o = c.map(x, [k, i]);
        if (o.source === undefined) c.err([k, i], `${k} entry needs a source`);
      }
    });
  }
  if (origin) spec.file = origin.file;
  return spec;
}

export interface ComposeLoad {
  project: ComposeProject;
  specs: ContainerSpec[];
}

/** Load compose files and normalise every enabled service. */
export function loadComposeSpecs(opts: LoadOptions): ComposeLoad {
  const project = loadCompose(opts);
  const specs = Object.keys(project.services).map((n) => serviceToSpec(project, n));
  return { project, specs };
}

