/**
 * The one field table of the runtime model. Every `ContainerSpec` field that a rule reads is listed once,
 * with its value type and the name each front end gives it:
 *
 *   - `run`: `docker run` / `docker create` flags (long names, without `--`);
 *   - `compose`: keys of a compose service (dot paths, in precedence order: the last one present wins);
 *   - `inspect`: JSON paths of a `docker inspect` container object;
 *   - `k8s`: paths of a Kubernetes container (`securityContext.privileged`) or, prefixed `pod:`, of its pod
 *     (`pod:hostNetwork`); the container value wins over the pod's.
 *
 * A front end only walks its own syntax and hands each value it finds to `applyField`, which converts it
 * (the type's parser, shared by every front end), validates it (errors name the file/line, flag or JSON
 * path), stores it in the spec and records where it came from (`spec.at`). A native syntax that differs
 * from the type's canonical forms (a Kubernetes quantity, inspect's NanoCpus, `hostNetwork: true`) has an
 * adapter next to its name here, so the mapping from each syntax to the model is in this one file.
 * `docs/runtime-fields.md` is generated from this table (`node scripts/runtime-fields-doc.mjs`).
 */
import { isAbsolute, resolve } from 'node:path';
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { readEnvFile } from './envfile.js';
import {
  addSecurityOpt,
  normCap,
  parseBytes,
  parsePortString,
  parseUlimit,
  type ContainerSpec,
  type DeviceSpec,
  type EnvOrigin,
  type EnvVar,
  type HealthcheckSpec,
  type MountSpec,
  type MountType,
  type PortSpec,
  type RestartSpec,
  type SourceRef,
} from './model.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

export type Syntax = 'run' | 'compose' | 'inspect' | 'k8s';

/** Turns a native value into one of the type's canonical forms; `undefined` means "nothing set". */
export type Adapter = (raw: unknown, b: SpecBuilder, ref: SourceRef, label: string) => unknown;

export interface Native {
  key: string;
  via?: Adapter;
  /** compose: a single scalar is accepted where a list is expected (`tmpfs: /run`) */
  one?: boolean;
  /** read by the front end's own code (composite syntaxes); listed here for the documentation */
  custom?: string;
}

export type TypeName =
  | 'bool'
  | 'string'
  | 'mode'
  | 'network'
  | 'bytes'
  | 'cpus'
  | 'int'
  | 'caps'
  | 'strings'
  | 'secopt'
  | 'mount'
  | 'tmpfs'
  | 'device'
  | 'port'
  | 'sysctl'
  | 'ulimit'
  | 'env'
  | 'envfile'
  | 'restart'
  | 'healthcheck';

export interface FieldDef {
  /** the ContainerSpec field */
  field: keyof ContainerSpec & string;
  /** the location key (`spec.at`); default: the field */
  at?: string;
  type: TypeName;
  /** one line for the generated documentation */
  doc: string;
  run?: Array<string | Native>;
  compose?: Array<string | Native>;
  inspect?: Array<string | Native>;
  k8s?: Array<string | Native>;
}

// ---------------------------------------------------------------- the builder a front end fills

export interface BuilderOptions {
  /** prefix of error messages for a location: `file:line:col`, `--memory (arg 3)`, `HostConfig.Memory` */
  where(ref: SourceRef): string;
  /** who the error is about: `service 'web'`, `container 'app' of Deployment 'web'` ('' for none) */
  who: string;
  /** directory relative bind sources and env files resolve against */
  baseDir: string;
  /** value of a variable named without a value (`-e NAME`, compose `environment: [NAME]`) */
  lookupEnv?(name: string): string | undefined;
  /** relative bind sources allowed (`./data`: compose, run) */
  relativeBinds?: boolean;
  /** the env origin for each syntax */
  envFrom: EnvOrigin;
  envFileFrom?: EnvOrigin;
  /** front-end data adapters may need (the compose project, ...) */
  ctx?: unknown;
}

/** A spec under construction: the field writers, the env index (so repeated names are O(1)) and error reporting. */
export class SpecBuilder {
  private readonly envIndex = new Map<string, number>();
  constructor(
    readonly spec: ContainerSpec,
    readonly opts: BuilderOptions,
  ) {
    spec.env.forEach((e, i) => this.envIndex.set(e.name, i));
  }

  fail(ref: SourceRef, msg: string): never {
    const who = this.opts.who ? `${this.opts.who}: ` : '';
    throw new InputError(`${this.opts.where(ref)}: ${who}${msg}`);
  }

  at(key: string, ref: SourceRef): void {
    this.spec.at[key] = ref;
  }

  set(field: string, value: unknown): void {
    (this.spec as unknown as Record<string, unknown>)[field] = value;
  }

  /** set (or replace, keeping its place) one environment variable */
  setEnv(e: EnvVar, ref: SourceRef): void {
    const i = this.envIndex.get(e.name);
    if (i === undefined) {
      this.envIndex.set(e.name, this.spec.env.length);
      this.spec.env.push(e);
    } else this.spec.env[i] = e;
    this.at(`env.${e.name}`, ref);
  }

  /** remove one environment variable (compose `environment: [NAME]` with NAME unset) */
  unsetEnv(name: string): void {
    const i = this.envIndex.get(name);
    if (i === undefined) return;
    this.spec.env.splice(i, 1);
    this.envIndex.clear();
    this.spec.env.forEach((e, j) => this.envIndex.set(e.name, j));
  }

  // -------------------------------------------------- value readers shared by the types
  str(v: unknown, ref: SourceRef, label: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(ref, `${label} must be a string, got ${kindOf(v)}`);
  }
  bool(v: unknown, ref: SourceRef, label: string): boolean {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false|yes|no|on|off|1|0|t|f)$/i.test(v)) return /^(true|yes|on|1|t)$/i.test(v);
    return this.fail(ref, `${label} must be a boolean, got ${kindOf(v)} ${JSON.stringify(v)}`);
  }
  num(v: unknown, ref: SourceRef, label: string): number {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) return this.fail(ref, `${label} must be a number, got ${kindOf(v)} ${JSON.stringify(v)}`);
    return n;
  }
  int(v: unknown, ref: SourceRef, label: string): number {
    if (typeof v === 'string' && !/^\s*-?\d+\s*$/.test(v)) return this.fail(ref, `${label} must be an integer, got ${JSON.stringify(v)}`);
    const n = this.num(v, ref, label);
    if (!Number.isInteger(n)) return this.fail(ref, `${label} must be an integer, got ${JSON.stringify(v)}`);
    return n;
  }
  map(v: unknown, ref: SourceRef, label: string): Record<string, J> {
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, J>;
    return this.fail(ref, `${label} must be a mapping, got ${kindOf(v)}`);
  }
  /** a host path for a bind source: `~` is the home directory, relative paths resolve against baseDir */
  hostPath(src: string): string {
    if (src.startsWith('~')) return resolve(homedir(), src.slice(2));
    return isAbsolute(src) ? src : resolve(this.opts.baseDir, src);
  }
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

// ---------------------------------------------------------------- canonical parsers (one per syntax form, shared)

export const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const MOUNT_TYPES = new Set(['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image']);

export function isPathLike(src: string): boolean {
  return src.startsWith('/') || src.startsWith('.') || src.startsWith('~') || /^[A-Za-z]:[\\/]/.test(src);
}

/**
 * `[SRC:]DST[:OPTS]` (`docker run -v`, compose short syntax). `fail` reports errors at the caller's location;
 * `hostPath` resolves relative sources.
 */
export function parseVolumeString(v: string, hostPath: (s: string) => string, fail: (msg: string) => never): MountSpec {
  const parts = v.split(':');
  let src: string | undefined;
  let dst: string;
  let opts = '';
  if (parts.length === 1) dst = parts[0]!;
  else if (parts.length === 2) {
    if (parts[1]!.startsWith('/')) [src, dst] = parts as [string, string];
    else [dst, opts] = parts as [string, string];
  } else if (parts.length === 3) [src, dst, opts] = parts as [string, string, string];
  else return fail(`invalid volume specification: '${v}'`);
  if (!dst.startsWith('/')) fail(`invalid volume specification: '${v}': the container path must be absolute`);
  const m: MountSpec = { type: 'volume', target: dst, readOnly: false };
  if (src !== undefined && src !== '') {
    if (isPathLike(src)) {
      m.type = 'bind';
      m.source = hostPath(src);
    } else m.source = src;
  }
  for (const o of opts.split(',').filter(Boolean)) {
    if (o === 'ro') m.readOnly = true;
    else if (o === 'rw') m.readOnly = false;
    else if (o === 'z' || o === 'Z') m.selinux = o;
    else if (PROPAGATIONS.has(o)) m.propagation = o;
    else if (!['nocopy', 'consistent', 'cached', 'delegated'].includes(o)) fail(`invalid volume option '${o}' in '${v}'`);
  }
  return m;
}

/** `HOST[:CONTAINER[:PERMS]]` (`--device`, compose `devices`) */
export function parseDeviceString(v: string): DeviceSpec {
  const [host, container, perms] = v.split(':');
  return { host: host!, container: container || host!, permissions: perms ?? 'rwm' };
}

/** `NAME[:MAX]` restart policy */
export function parseRestart(v: string, fail: (msg: string) => never): RestartSpec {
  const [name, max] = v.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!)) fail(`invalid restart policy '${v}'`);
  if (max !== undefined && !/^\d+$/.test(max)) fail(`invalid restart policy '${v}': the retry count must be a number`);
  return { name: name!, maxRetries: max !== undefined ? Number(max) : undefined };
}

/**
 * Kubernetes resource quantity → number (`500m` → 0.5, `64Mi` → 67108864, `1G` → 1e9, `1e3`).
 * Undefined when it is not a quantity.
 */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const mult: Record<string, number> = {
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
    n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  };
  return n * (m[3] ? mult[m[3]]! : 1);
}

// ---------------------------------------------------------------- the types

interface TypeDef {
  /** scalar: one value; list: the front end hands over items one at a time; map: entries (or `K=V` items) */
  shape: 'scalar' | 'list' | 'map';
  apply(b: SpecBuilder, def: FieldDef, value: unknown, ref: SourceRef, label: string, key?: string): void;
}

const atKey = (def: FieldDef) => def.at ?? def.field;

function listAt(b: SpecBuilder, def: FieldDef, ref: SourceRef): string {
  const list = (b.spec as unknown as Record<string, unknown[]>)[def.field]!;
  return `${atKey(def)}.${list.length}`;
}

const TYPES: Record<TypeName, TypeDef> = {
  bool: {
    shape: 'scalar',
    apply(b, def, v, ref, label) {
      b.set(def.field, b.bool(v, ref, label));
      b.at(atKey(def), ref);
    },
  },
  string: {
    shape: 'scalar',
    apply(b, def, v, ref, label) {
      b.set(def.field, b.str(v, ref, label));
      b.at(atKey(def), ref);
    },
  },
  /** a namespace / network mode: `host`, `container:X`, `private`, ... */
  mode: {
    shape: 'scalar',
    apply(b, def, v, ref, label) {
      const s = b.str(v, ref, label);
      if (s === '') return;
      b.set(def.field, s);
      b.at(atKey(def), ref);
    },
  },
  /** network mode; every value is also a network the container joins (`--network a --network b`) */
  network: {
    shape: 'scalar',
    apply(b, def, v, ref, label) {
      const s = b.str(v, ref, label);
      if (s === '') return;
      if (b.spec.networkMode === undefined || /^(host|none|container:)/.test(s)) b.spec.networkMode = s;
      b.spec.networks.push(s);
      b.at(atKey(def), ref);
    },
  },
  bytes: {
    shape: 'scalar',
    apply(b, def, v, ref, label) {
      if (v === -1 || v === '-1') b.set(def.field, -1);
      else {
        const n = typeof v === 'number' ? v : parseBytes(b.str(v, ref, label));
        if (n === undefined || !Number.isFinite(n)) b.fail(ref, `invalid size ${JSON.stringify(v)} for ${label}`);
        b.set(def.field, n);
      }
      b.at(atKey(def), ref);
    },
  },
  cpus: {
    shape: 'scalar',
    apply(b, def, v, ref, label) {
      const n = b.num(v, ref, label);
      if (n < 0) b.fail(ref, `${label} must not be negative, got ${JSON.stringify(v)}`);
      b.set(def.field, n);
      b.at(atKey(def), ref);
    },
  },
  int: {
    shape: 'scalar',
    apply(b, def, v, ref, label) {
      b.set(def.field, b.int(v, ref, label));
      b.at(atKey(def), ref);
    },
  },
  /** capability names; `--cap-add A,B` splits on commas */
  caps: {
    shape: 'list',
    apply(b, def, v, ref, label) {
      const list = (b.spec as unknown as Record<string, string[]>)[def.field]!;
      for (const c of b.str(v, ref, label).split(',').map(normCap).filter(Boolean)) {
        if (def.field === 'capAdd') b.at(`${atKey(def)}.${list.length}`, ref);
        list.push(c);
      }
    },
  },
  strings: {
    shape: 'list',
    apply(b, def, v, ref, label) {
      b.at(listAt(b, def, ref), ref);
      (b.spec as unknown as Record<string, string[]>)[def.field]!.push(b.str(v, ref, label));
    },
  },
  secopt: {
    shape: 'list',
    apply(b, _def, v, ref, label) {
      const s = b.str(v, ref, label);
      addSecurityOpt(b.spec.securityOpt, s);
      const k = /^(seccomp|apparmor|label|systempaths|no-new-privileges)/.exec(s)?.[1];
      if (k) b.at(`securityOpt.${k}`, ref);
    },
  },
  /** a short string (`-v`, compose short syntax) or a MountSpec (long syntaxes, through their adapters) */
  mount: {
    shape: 'list',
    apply(b, def, v, ref, label) {
      let m: MountSpec;
      if (typeof v === 'string') {
        m = parseVolumeString(v, (s) => b.hostPath(s), (msg) => b.fail(ref, msg));
      } else {
        const o = b.map(v, ref, label) as Partial<MountSpec>;
        if (!o.type || !MOUNT_TYPES.has(o.type)) b.fail(ref, `invalid mount type '${String(o.type)}'`);
        if (typeof o.target !== 'string' || o.target === '') b.fail(ref, 'a mount needs a target');
        m = { ...(o as MountSpec) };
        if (m.type === 'bind' && m.source !== undefined && !m.unmounted) m.source = b.hostPath(m.source);
      }
      if (m.type === 'tmpfs') {
        b.spec.tmpfs.push({ target: m.target, options: '' });
        b.at('tmpfs', ref);
        return;
      }
      b.at(listAt(b, def, ref), ref);
      b.spec.mounts.push(m);
    },
  },
  /** `TARGET[:OPTIONS]` or {target, options} */
  tmpfs: {
    shape: 'list',
    apply(b, def, v, ref, label) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as { target: string; options?: string };
        b.spec.tmpfs.push({ target: o.target, options: o.options ?? '' });
      } else {
        const s = b.str(v, ref, label);
        const i = s.indexOf(':');
        b.spec.tmpfs.push({ target: i >= 0 ? s.slice(0, i) : s, options: i >= 0 ? s.slice(i + 1) : '' });
      }
      b.at(atKey(def), ref);
    },
  },
  device: {
    shape: 'list',
    apply(b, def, v, ref, label) {
      b.at(listAt(b, def, ref), ref);
      if (typeof v === 'string') b.spec.devices.push(parseDeviceString(v));
      else {
        const o = b.map(v, ref, label);
        if (o.source === undefined) b.fail(ref, 'a device needs a source');
        const host = b.str(o.source, ref, 'source');
        b.spec.devices.push({ host, container: String(o.target ?? host), permissions: String(o.permissions ?? 'rwm') });
      }
    },
  },
  /** short syntax `[[IP:][HOST:]]CONTAINER[/PROTO]` (string or number), or a PortSpec */
  port: {
    shape: 'list',
    apply(b, def, v, ref, label) {
      let ps: PortSpec[] | undefined;
      if (typeof v === 'string' || typeof v === 'number') {
        ps = parsePortString(String(v));
        if (!ps) b.fail(ref, `invalid published port '${v}'`);
      } else ps = [b.map(v, ref, label) as PortSpec];
      for (const p of ps!) {
        b.at(listAt(b, def, ref), ref);
        b.spec.ports.push(p);
      }
    },
  },
  /** map entries, `K=V` strings, or Kubernetes {name, value} */
  sysctl: {
    shape: 'map',
    apply(b, _def, v, ref, label, key) {
      let k = key;
      let val: unknown = v;
      if (k === undefined) {
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          k = b.str((v as J).name, ref, 'name');
          val = (v as J).value;
        } else {
          const s = b.str(v, ref, label);
          const eq = s.indexOf('=');
          if (eq <= 0) b.fail(ref, `invalid sysctl '${s}' (expected key=value)`);
          k = s.slice(0, eq);
          val = s.slice(eq + 1);
        }
      }
      b.spec.sysctls[k] = val === null || val === undefined ? '' : String(val);
      b.at(`sysctls.${k}`, ref);
      b.at('sysctls', ref);
    },
  },
  /** map entries (`nofile: {soft, hard}` / `nofile: 1024`) or `name=soft[:hard]` strings */
  ulimit: {
    shape: 'map',
    apply(b, _def, v, ref, label, key) {
      let u;
      if (key !== undefined) u = parseUlimit(key, v as J);
      else if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as J;
        u = parseUlimit(String(o.Name ?? o.name), { soft: o.Soft ?? o.soft, hard: o.Hard ?? o.hard });
      } else {
        const s = b.str(v, ref, label);
        const eq = s.indexOf('=');
        u = eq > 0 ? parseUlimit(s.slice(0, eq), s.slice(eq + 1)) : undefined;
      }
      if (!u) return b.fail(ref, `invalid ulimit ${JSON.stringify(key !== undefined ? { [key]: v } : v)} (expected name=soft[:hard])`);
      const i = b.spec.ulimits.findIndex((x) => x.name === u.name);
      if (i >= 0) b.spec.ulimits.splice(i, 1);
      b.spec.ulimits.push(u);
      b.at(`ulimits.${u.name}`, ref);
    },
  },
  /** map entries (value null = from the environment), `K=V` / `K` strings, or an EnvVar (adapters) */
  env: {
    shape: 'map',
    apply(b, _def, v, ref, label, key) {
      if (key === undefined && v && typeof v === 'object' && !Array.isArray(v)) {
        b.setEnv(v as EnvVar, ref);
        return;
      }
      let name: string;
      let value: string | undefined;
      if (key !== undefined) {
        name = key;
        value = v === null || v === undefined ? undefined : b.str(v, ref, key);
        if (value === undefined) {
          value = b.opts.lookupEnv?.(name);
          if (value === undefined) {
            b.unsetEnv(name);
            return;
          }
        }
      } else {
        const s = b.str(v, ref, label);
        const eq = s.indexOf('=');
        name = eq >= 0 ? s.slice(0, eq) : s;
        value = eq >= 0 ? s.slice(eq + 1) : b.opts.lookupEnv?.(name);
        if (value === undefined) {
          b.unsetEnv(name);
          return;
        }
      }
      b.setEnv({ name, value, from: b.opts.envFrom }, ref);
    },
  },
  /** an env file: a path, or compose's {path, required} */
  envfile: {
    shape: 'list',
    apply(b, _def, v, ref, label) {
      const o = typeof v === 'string' ? { path: v, required: true } : b.map(v, ref, label);
      const file = resolve(b.opts.baseDir, b.str(o.path, ref, 'path'));
      const required = o.required === undefined ? true : b.bool(o.required, ref, 'required');
      if (!required && !existsSync(file)) return;
      for (const e of readEnvFile(file)) b.setEnv({ ...e, from: b.opts.envFileFrom ?? 'env-file', file }, ref);
    },
  },
  restart: {
    shape: 'scalar',
    apply(b, def, v, ref, label) {
      const r = typeof v === 'object' && v !== null ? (v as RestartSpec) : parseRestart(b.str(v, ref, label), (msg) => b.fail(ref, msg));
      b.spec.restart = r;
      b.at(atKey(def), ref);
    },
  },
  healthcheck: {
    shape: 'scalar',
    apply(b, def, v, ref) {
      b.spec.healthcheck = v as HealthcheckSpec;
      b.at(atKey(def), ref);
    },
  },
};

// ---------------------------------------------------------------- adapters (native syntaxes that differ)

/** `true` → host (Kubernetes hostNetwork / hostPID / hostIPC); false/absent → nothing */
const hostBool: Adapter = (v, b, ref, label) => (b.bool(v, ref, label) ? 'host' : undefined);
/** inspect numbers where 0 / null means "not set" */
const positive: Adapter = (v) => (typeof v === 'number' && v > 0 ? v : undefined);
const nonZero: Adapter = (v) => (typeof v === 'number' && v !== 0 ? v : undefined);
const nonEmpty: Adapter = (v) => (typeof v === 'string' && v !== '' ? v : undefined);
const inspectBool: Adapter = (v) => v === true;
const nanoCpus: Adapter = (v) => (typeof v === 'number' && v > 0 ? v / 1e9 : undefined);
const quantityBytes: Adapter = (v, b, ref, label) => {
  const n = parseQuantity(v);
  if (n === undefined) return b.fail(ref, `${label} is not a Kubernetes quantity: ${JSON.stringify(v)}`);
  return Math.round(n);
};
const quantityCpus: Adapter = (v, b, ref, label) => {
  const n = parseQuantity(v);
  if (n === undefined) return b.fail(ref, `${label} is not a Kubernetes quantity: ${JSON.stringify(v)}`);
  return n;
};
/** Kubernetes runAsUser / runAsGroup: integers */
const k8sId: Adapter = (v, b, ref, label) => String(b.int(v, ref, label));
/** compose `network_mode: service:X` is docker's `container:X` */
const composeNetworkMode: Adapter = (v, b, ref, label) => {
  const nm = b.str(v, ref, label);
  return nm.startsWith('service:') ? `container:${nm.slice(8)}` : nm;
};
/** docker run `--network name=x,alias=y` (advanced syntax) */
const runNetwork: Adapter = (v, b, ref, label) => {
  const s = b.str(v, ref, label);
  return s.includes('=') ? (/(?:^|,)name=([^,]*)/.exec(s)?.[1] ?? s) : s;
};
/** docker run `--mount` CSV */
const mountCsv: Adapter = (v, b, ref, label) => parseMountCsvWith(b.str(v, ref, label), (msg) => b.fail(ref, msg));
/** compose long volume syntax {type, source, target, read_only, bind: {propagation, selinux}, tmpfs: {size}} */
const composeVolume: Adapter = (v, b, ref, label) => {
  if (typeof v === 'string') return v;
  const o = b.map(v, ref, label);
  const type = (o.type === undefined ? 'volume' : b.str(o.type, ref, 'type')) as MountType;
  if (!MOUNT_TYPES.has(type)) b.fail(ref, `invalid mount type '${type}'`);
  if (o.target === undefined) b.fail(ref, 'volume needs a target');
  const target = b.str(o.target, ref, 'target');
  if (type === 'tmpfs') return { tmpfsEntry: { target, options: o.tmpfs?.size !== undefined ? `size=${o.tmpfs.size}` : '' } };
  const m: MountSpec = { type, target, readOnly: o.read_only !== undefined ? b.bool(o.read_only, ref, 'read_only') : false };
  if (o.source !== undefined) m.source = b.str(o.source, ref, 'source');
  if (o.bind?.propagation !== undefined) m.propagation = b.str(o.bind.propagation, ref, 'propagation');
  if (o.bind?.selinux !== undefined) m.selinux = b.str(o.bind.selinux, ref, 'selinux');
  return m;
};
/** compose long port syntax {target, published, host_ip, protocol} */
const composePort: Adapter = (v, b, ref, label) => {
  if (typeof v === 'string' || typeof v === 'number') return v;
  const o = b.map(v, ref, label);
  if (o.target === undefined) b.fail(ref, 'port needs a target');
  const proto = o.protocol === undefined ? 'tcp' : b.str(o.protocol, ref, 'protocol').toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) b.fail(ref, `invalid protocol '${proto}'`);
  return {
    containerPort: b.str(o.target, ref, 'target'),
    hostPort: o.published !== undefined && o.published !== '' ? b.str(o.published, ref, 'published') : undefined,
    hostIp: o.host_ip !== undefined ? b.str(o.host_ip, ref, 'host_ip') : undefined,
    protocol: proto as PortSpec['protocol'],
  } satisfies PortSpec;
};
/** compose deploy.restart_policy {condition, max_attempts} */
const composeRestartPolicy: Adapter = (v, b, ref, label) => {
  if (v === null) return undefined;
  const R = b.map(v, ref, label);
  const cond = R.condition === undefined ? 'any' : b.str(R.condition, ref, 'condition');
  const max = R.max_attempts !== undefined ? b.num(R.max_attempts, ref, 'max_attempts') : undefined;
  return { name: cond === 'none' ? 'no' : cond === 'on-failure' ? 'on-failure' : max ? 'on-failure' : 'always', maxRetries: max } satisfies RestartSpec;
};
/** compose healthcheck {test, interval, timeout, retries, start_period, disable} */
const composeHealth: Adapter = (v, b, ref, label) => {
  if (v === null) return undefined;
  const h = b.map(v, ref, label);
  if (h.disable !== undefined && b.bool(h.disable, ref, 'disable')) return { disabled: true, test: ['NONE'] } satisfies HealthcheckSpec;
  let test: string[] | undefined;
  if (h.test !== undefined) {
    if (typeof h.test === 'string') test = ['CMD-SHELL', h.test];
    else if (Array.isArray(h.test)) test = h.test.map((x: unknown) => b.str(x, ref, 'test'));
    else b.fail(ref, `test must be a string or a list, got ${kindOf(h.test)}`);
  }
  return {
    disabled: test?.[0] === 'NONE',
    test,
    interval: h.interval !== undefined ? b.str(h.interval, ref, 'interval') : undefined,
    timeout: h.timeout !== undefined ? b.str(h.timeout, ref, 'timeout') : undefined,
    retries: h.retries !== undefined ? b.num(h.retries, ref, 'retries') : undefined,
    startPeriod: h.start_period !== undefined ? b.str(h.start_period, ref, 'start_period') : undefined,
  } satisfies HealthcheckSpec;
};
/** compose pull_policy / docker --pull / Kubernetes imagePullPolicy → always | missing | never | build */
const pullPolicy: Adapter = (v, b, ref, label) => {
  const s = b.str(v, ref, label);
  const k: Record<string, string> = { Always: 'always', IfNotPresent: 'missing', Never: 'never', if_not_present: 'missing' };
  return k[s] ?? s.toLowerCase();
};
/** inspect Mounts[] entry */
const inspectMount: Adapter = (m) => {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as J;
  const type = (MOUNT_TYPES.has(o.Type) ? o.Type : 'volume') as MountType;
  const out: MountSpec = { type, source: type === 'volume' ? (o.Name ?? undefined) : (o.Source ?? undefined), target: String(o.Destination ?? o.Target ?? ''), readOnly: o.RW === false };
  out.propagation = typeof o.Propagation === 'string' && o.Propagation !== '' ? o.Propagation : undefined;
  out.selinux = typeof o.Mode === 'string' && /^[zZ]$/.test(o.Mode) ? o.Mode : undefined;
  return out;
};
/** inspect HostConfig.Devices[] entry */
const inspectDevice: Adapter = (d) => {
  if (!d || typeof d !== 'object') return undefined;
  const o = d as J;
  return { source: String(o.PathOnHost ?? ''), target: String(o.PathInContainer ?? ''), permissions: String(o.CgroupPermissions ?? 'rwm') };
};
const inspectRestart: Adapter = (v) => {
  const rp = v as J;
  if (!rp || typeof rp.Name !== 'string' || rp.Name === '') return undefined;
  return { name: rp.Name, maxRetries: typeof rp.MaximumRetryCount === 'number' && rp.MaximumRetryCount > 0 ? rp.MaximumRetryCount : undefined } satisfies RestartSpec;
};
const inspectHealth: Adapter = (h) => healthFromTest(h);
/** inspect HostConfig.Tmpfs {"/run": "rw,size=64m"} */
const inspectTmpfs: Adapter = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>).map(([target, o]) => ({ target, options: String(o ?? '') })) : undefined);
/** inspect HostConfig.PortBindings {"80/tcp": [{HostIp, HostPort}] | null} */
const inspectPorts: Adapter = (v) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: PortSpec[] = [];
  for (const [key, binds] of Object.entries(v as Record<string, J>)) {
    const [cport, proto = 'tcp'] = key.split('/');
    for (const bd of Array.isArray(binds) ? binds : [{}]) {
      out.push({ hostIp: bd?.HostIp || undefined, hostPort: bd?.HostPort || undefined, containerPort: cport!, protocol: (['tcp', 'udp', 'sctp'].includes(proto) ? proto : 'tcp') as PortSpec['protocol'] });
    }
  }
  return out;
};
/** inspect HostConfig.Binds "SRC:DST[:OPTS]" (a container never started may have no Mounts yet) */
const inspectBind: Adapter = (v, b) => {
  if ((b.opts.ctx as { hasMounts?: boolean } | undefined)?.hasMounts) return undefined;
  const [src, dst, opts = ''] = String(v).split(':');
  const m: MountSpec = { type: src?.startsWith('/') ? 'bind' : 'volume', source: src, target: dst ?? '', readOnly: opts.split(',').includes('ro') };
  const prop = opts.split(',').find((o) => PROPAGATIONS.has(o));
  if (prop) m.propagation = prop;
  return m.target ? m : undefined;
};
/** Kubernetes env entry {name, value | valueFrom} */
const k8sEnv: Adapter = (v, b, ref, label) => {
  const o = b.map(v, ref, label);
  const name = b.str(o.name, ref, 'name');
  if (o.valueFrom !== undefined && o.valueFrom !== null) {
    const vf = b.map(o.valueFrom, ref, 'valueFrom');
    const from: EnvOrigin = vf.secretKeyRef ? 'k8s-secret' : vf.configMapKeyRef ? 'k8s-configmap' : 'k8s-field';
    return { name, from } satisfies EnvVar;
  }
  return { name, value: o.value === undefined || o.value === null ? '' : b.str(o.value, ref, 'value'), from: 'k8s-value' } satisfies EnvVar;
};
/** Kubernetes container port {containerPort, hostPort, hostIP, protocol}: published only with a hostPort */
const k8sPort: Adapter = (v, b, ref, label) => {
  const o = b.map(v, ref, label);
  if (o.hostPort === undefined || o.hostPort === null || o.hostPort === 0) return undefined;
  const proto = o.protocol === undefined ? 'tcp' : b.str(o.protocol, ref, 'protocol').toLowerCase();
  return {
    containerPort: b.str(o.containerPort ?? o.hostPort, ref, 'containerPort'),
    hostPort: b.str(o.hostPort, ref, 'hostPort'),
    hostIp: o.hostIP !== undefined && o.hostIP !== '' ? b.str(o.hostIP, ref, 'hostIP') : undefined,
    protocol: (['tcp', 'udp', 'sctp'].includes(proto) ? proto : 'tcp') as PortSpec['protocol'],
  } satisfies PortSpec;
};
/** Kubernetes allowPrivilegeEscalation → no-new-privileges (false sets it, true clears it) */
const k8sEscalation: Adapter = (v, b, ref, label) => `no-new-privileges:${!b.bool(v, ref, label)}`;
/** Kubernetes seccompProfile {type: RuntimeDefault | Localhost | Unconfined, localhostProfile} */
const k8sSeccomp: Adapter = (v, b, ref, label) => {
  if (v === null) return undefined;
  const o = b.map(v, ref, label);
  const t = String(o.type ?? '');
  if (t === 'Unconfined') return 'seccomp=unconfined';
  if (t === 'RuntimeDefault') return 'seccomp=runtime/default';
  if (t === 'Localhost') return `seccomp=localhost/${String(o.localhostProfile ?? '')}`;
  return undefined;
};
/** Kubernetes appArmorProfile {type: RuntimeDefault | Localhost | Unconfined, localhostProfile} */
const k8sAppArmor: Adapter = (v, b, ref, label) => {
  if (v === null) return undefined;
  const o = b.map(v, ref, label);
  const t = String(o.type ?? '');
  if (t === 'Unconfined') return 'apparmor=unconfined';
  if (t === 'RuntimeDefault') return 'apparmor=runtime/default';
  if (t === 'Localhost') return `apparmor=localhost/${String(o.localhostProfile ?? '')}`;
  return undefined;
};
/** Kubernetes procMount: Unmasked = docker's systempaths=unconfined */
const k8sProcMount: Adapter = (v, b, ref, label) => (b.str(v, ref, label) === 'Unmasked' ? 'systempaths=unconfined' : undefined);
/** Kubernetes seLinuxOptions {user, role, type, level} → label options */
const k8sSelinux: Adapter = (v, b, ref, label) => {
  if (v === null) return undefined;
  const o = b.map(v, ref, label);
  const out = ['user', 'role', 'type', 'level'].filter((k) => o[k] !== undefined && o[k] !== null && o[k] !== '').map((k) => `label=${k}:${String(o[k])}`);
  return out.length ? out : undefined;
};

/** HealthcheckSpec from a `{Test: [...]}` object (inspect) */
export function healthFromTest(h: unknown): HealthcheckSpec | undefined {
  const o = h as J;
  if (!o || !Array.isArray(o.Test) || o.Test.length === 0) return undefined;
  const test = o.Test.map(String);
  return { test, disabled: test[0] === 'NONE' };
}

// ---------------------------------------------------------------- THE TABLE

const N = (key: string, via?: Adapter, one?: boolean): Native => ({ key, via, one });
/** a native name the front end reads with its own code (composite syntaxes), documented here */
const C = (key: string, custom: string): Native => ({ key, custom });

export const FIELDS: FieldDef[] = [
  { field: 'image', type: 'string', doc: 'image reference', compose: ['image'], inspect: ['Config.Image'], k8s: ['image'] },
  { field: 'pullPolicy', type: 'string', doc: 'when the image is pulled (always, missing, never)', run: [N('pull', pullPolicy)], compose: [N('pull_policy', pullPolicy)], k8s: [N('imagePullPolicy', pullPolicy)] },
  { field: 'privileged', type: 'bool', doc: 'all capabilities and devices, no confinement', run: ['privileged'], compose: ['privileged'], inspect: [N('HostConfig.Privileged', inspectBool)], k8s: ['securityContext.privileged'] },
  { field: 'user', type: 'string', doc: 'run-time user (name or UID, docker: `uid:gid`)', run: ['user'], compose: ['user'], inspect: [N('Config.User', nonEmpty)], k8s: [N('pod:securityContext.runAsUser', k8sId), N('securityContext.runAsUser', k8sId)] },
  { field: 'group', type: 'string', doc: 'run-time primary group (Kubernetes runAsGroup)', k8s: [N('pod:securityContext.runAsGroup', k8sId), N('securityContext.runAsGroup', k8sId)] },
  { field: 'runAsNonRoot', type: 'bool', doc: 'the kubelet refuses UID 0', k8s: ['pod:securityContext.runAsNonRoot', 'securityContext.runAsNonRoot'] },
  { field: 'capAdd', type: 'caps', doc: 'capabilities added', run: ['cap-add'], compose: ['cap_add'], inspect: ['HostConfig.CapAdd'], k8s: ['securityContext.capabilities.add'] },
  { field: 'capDrop', type: 'caps', doc: 'capabilities dropped', run: ['cap-drop'], compose: ['cap_drop'], inspect: ['HostConfig.CapDrop'], k8s: ['securityContext.capabilities.drop'] },
  { field: 'networkMode', type: 'network', doc: 'network mode (host, none, container:X, a network)', run: [N('network', runNetwork)], compose: [N('network_mode', composeNetworkMode)], inspect: ['HostConfig.NetworkMode'], k8s: [N('pod:hostNetwork', hostBool)] },
  { field: 'pidMode', type: 'mode', doc: 'PID namespace (host, container:X)', run: ['pid'], compose: ['pid'], inspect: ['HostConfig.PidMode'], k8s: [N('pod:hostPID', hostBool)] },
  { field: 'ipcMode', type: 'mode', doc: 'IPC namespace (host, shareable, container:X)', run: ['ipc'], compose: ['ipc'], inspect: ['HostConfig.IpcMode'], k8s: [N('pod:hostIPC', hostBool)] },
  { field: 'utsMode', type: 'mode', doc: 'UTS namespace', run: ['uts'], compose: ['uts'], inspect: ['HostConfig.UTSMode'] },
  { field: 'usernsMode', type: 'mode', doc: 'user namespace', run: ['userns'], compose: ['userns_mode'], inspect: ['HostConfig.UsernsMode'] },
  { field: 'cgroupnsMode', type: 'mode', doc: 'cgroup namespace', run: ['cgroupns'], compose: ['cgroup'], inspect: ['HostConfig.CgroupnsMode'] },
  { field: 'cgroupParent', type: 'mode', doc: 'parent cgroup', run: ['cgroup-parent'], compose: ['cgroup_parent'], inspect: ['HostConfig.CgroupParent'] },
  { field: 'mounts', type: 'mount', doc: 'bind mounts and volumes', run: ['volume', N('mount', mountCsv)], compose: [N('volumes', composeVolume)], inspect: [N('Mounts', inspectMount), N('HostConfig.Binds', inspectBind)], k8s: [C('volumeMounts', 'with the pod volumes they name: hostPath is a bind mount')] },
  { field: 'tmpfs', type: 'tmpfs', doc: 'tmpfs mounts', run: ['tmpfs'], compose: [N('tmpfs', undefined, true)], inspect: [N('HostConfig.Tmpfs', inspectTmpfs)], k8s: [C('volumeMounts', 'of an emptyDir volume with medium: Memory')] },
  { field: 'devices', type: 'device', doc: 'host devices', run: ['device'], compose: ['devices'], inspect: [N('HostConfig.Devices', inspectDevice)] },
  { field: 'deviceCgroupRules', type: 'strings', doc: 'device cgroup rules', run: ['device-cgroup-rule'], compose: [N('device_cgroup_rules', undefined, true)], inspect: ['HostConfig.DeviceCgroupRules'] },
  { field: 'ports', type: 'port', doc: 'published ports (Kubernetes: hostPort)', run: ['publish'], compose: [N('ports', composePort)], inspect: [N('HostConfig.PortBindings', inspectPorts)], k8s: [N('ports', k8sPort)] },
  { field: 'publishAll', type: 'bool', doc: 'every exposed port published (-P)', run: ['publish-all'], inspect: [N('HostConfig.PublishAllPorts', inspectBool)] },
  {
    field: 'securityOpt',
    type: 'secopt',
    doc: 'seccomp, AppArmor, SELinux, no-new-privileges, systempaths',
    run: ['security-opt'],
    compose: [N('security_opt', undefined, true)],
    inspect: ['HostConfig.SecurityOpt'],
    k8s: [
      N('pod:securityContext.seccompProfile', k8sSeccomp),
      N('pod:securityContext.appArmorProfile', k8sAppArmor),
      N('pod:securityContext.seLinuxOptions', k8sSelinux),
      N('securityContext.seccompProfile', k8sSeccomp),
      N('securityContext.appArmorProfile', k8sAppArmor),
      N('securityContext.seLinuxOptions', k8sSelinux),
      N('securityContext.allowPrivilegeEscalation', k8sEscalation),
      N('securityContext.procMount', k8sProcMount),
    ],
  },
  { field: 'memory', type: 'bytes', doc: 'memory limit (bytes)', run: ['memory'], compose: ['mem_limit', 'deploy.resources.limits.memory'], inspect: [N('HostConfig.Memory', positive)], k8s: [N('resources.limits.memory', quantityBytes)] },
  { field: 'memorySwap', type: 'bytes', doc: 'memory + swap limit', run: ['memory-swap'], compose: ['memswap_limit'], inspect: [N('HostConfig.MemorySwap', nonZero)] },
  { field: 'memoryReservation', type: 'bytes', doc: 'memory soft limit / request', run: ['memory-reservation'], compose: ['mem_reservation', 'deploy.resources.reservations.memory'], inspect: [N('HostConfig.MemoryReservation', positive)], k8s: [N('resources.requests.memory', quantityBytes)] },
  { field: 'cpus', type: 'cpus', doc: 'CPU limit (CPUs)', run: ['cpus'], compose: ['cpus', 'deploy.resources.limits.cpus'], inspect: [N('HostConfig.NanoCpus', nanoCpus)], k8s: [N('resources.limits.cpu', quantityCpus)] },
  { field: 'cpuShares', at: 'cpus', type: 'int', doc: 'CPU shares (relative weight)', run: ['cpu-shares'], compose: ['cpu_shares'], inspect: [N('HostConfig.CpuShares', positive)] },
  { field: 'cpuQuota', at: 'cpus', type: 'int', doc: 'CFS quota', run: ['cpu-quota'], compose: ['cpu_quota'], inspect: [N('HostConfig.CpuQuota', positive)] },
  { field: 'cpusetCpus', at: 'cpus', type: 'string', doc: 'CPUs the container may use', run: ['cpuset-cpus'], compose: ['cpuset'], inspect: [N('HostConfig.CpusetCpus', nonEmpty)] },
  { field: 'cpuReservation', type: 'cpus', doc: 'CPU request (scheduler)', compose: ['deploy.resources.reservations.cpus'], k8s: [N('resources.requests.cpu', quantityCpus)] },
  { field: 'pidsLimit', type: 'int', doc: 'PIDs limit', run: ['pids-limit'], compose: ['pids_limit', 'deploy.resources.limits.pids'], inspect: [N('HostConfig.PidsLimit', nonZero)] },
  { field: 'disableContentTrust', type: 'bool', doc: 'image pulled without signature verification', run: ['disable-content-trust'] },
  { field: 'readOnlyRootfs', type: 'bool', doc: 'read-only root filesystem', run: ['read-only'], compose: ['read_only'], inspect: [N('HostConfig.ReadonlyRootfs', inspectBool)], k8s: ['securityContext.readOnlyRootFilesystem'] },
  { field: 'ulimits', type: 'ulimit', doc: 'ulimits', run: ['ulimit'], compose: ['ulimits'], inspect: ['HostConfig.Ulimits'] },
  { field: 'sysctls', type: 'sysctl', doc: 'namespaced kernel parameters', run: ['sysctl'], compose: ['sysctls'], inspect: ['HostConfig.Sysctls'], k8s: ['pod:securityContext.sysctls'] },
  { field: 'env', at: 'env', type: 'envfile', doc: 'environment files', run: ['env-file'], compose: [N('env_file', undefined, true)] },
  { field: 'env', type: 'env', doc: 'environment variables (values of secret references are not in the manifest)', run: ['env'], compose: ['environment'], inspect: ['Config.Env'], k8s: [N('env', k8sEnv)] },
  { field: 'restart', type: 'restart', doc: 'restart policy', run: ['restart'], compose: [N('deploy.restart_policy', composeRestartPolicy), 'restart'], inspect: [N('HostConfig.RestartPolicy', inspectRestart)] },
  { field: 'healthcheck', type: 'healthcheck', doc: 'health check', run: [C('health-cmd', 'with --health-interval, --health-timeout, --health-retries, --health-start-period'), C('no-healthcheck', 'disables it')], compose: [N('healthcheck', composeHealth)], inspect: [N('Config.Healthcheck', inspectHealth)] },
  { field: 'serviceAccountToken', type: 'bool', doc: 'the API token is mounted', k8s: [C('pod:automountServiceAccountToken', 'or a volumeMount at /var/run/secrets/kubernetes.io/serviceaccount')] },
];

// ---------------------------------------------------------------- lookups for the front ends

export interface NativeField {
  def: FieldDef;
  native: Native;
  /** the key's path segments (`pod:` stripped) and the name errors use */
  parts: string[];
  label: string;
  /** the location key */
  atKey: string;
  /** a location that is only the native key (shared, never mutated) */
  ref: SourceRef;
}

export function natives(def: FieldDef, syntax: Syntax): Native[] {
  return (def[syntax] ?? []).map((n) => (typeof n === 'string' ? { key: n } : n));
}

/** Every (field, native name) pair of one syntax, in table order (= precedence order). */
export function fieldsOf(syntax: Syntax): NativeField[] {
  const out: NativeField[] = [];
  for (const def of FIELDS) {
    for (const native of natives(def, syntax)) {
      if (native.custom) continue;
      const parts = native.key.replace(/^pod:/, '').split('.');
      out.push({ def, native, parts, label: parts[parts.length - 1]!, atKey: def.at ?? def.field, ref: Object.freeze({ field: native.key }) });
    }
  }
  return out;
}

/** docker run flag name → field */
export const RUN_FIELDS: ReadonlyMap<string, NativeField> = new Map(fieldsOf('run').map((x) => [x.native.key, x]));

export function typeShape(def: FieldDef): TypeDef['shape'] {
  return TYPES[def.type].shape;
}

function applyOne(b: SpecBuilder, nf: NativeField, type: TypeDef, v: unknown, r: SourceRef, key?: string): void {
  const x = nf.native.via ? nf.native.via(v, b, r, nf.label) : v;
  if (x === undefined) return;
  if (x !== null && typeof x === 'object' && 'tmpfsEntry' in (x as J)) {
    TYPES.tmpfs.apply(b, { ...nf.def, field: 'tmpfs', at: 'tmpfs' }, (x as J).tmpfsEntry, r, nf.label);
    return;
  }
  if (Array.isArray(x) && type.shape !== 'scalar') {
    for (const y of x) type.apply(b, nf.def, y, r, nf.label, key);
    return;
  }
  type.apply(b, nf.def, x, r, nf.label, key);
}

/**
 * Apply one native value: the adapter (if any), then the type's parser. Lists and maps may be passed
 * whole (`items` then gives each item's location) or one item at a time.
 */
export function applyField(b: SpecBuilder, nf: NativeField, value: unknown, ref: SourceRef, items?: (index: number | string) => SourceRef): void {
  const def = nf.def;
  const type = TYPES[def.type];
  if (type.shape === 'scalar') {
    applyOne(b, nf, type, value, ref);
    return;
  }
  if (items === undefined) {
    applyOne(b, nf, type, value, ref);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) applyOne(b, nf, type, value[i], items(i));
  } else if (type.shape === 'map' && value && typeof value === 'object') {
    for (const k of Object.keys(value)) applyOne(b, nf, type, (value as Record<string, unknown>)[k], items(k), k);
  } else if ((nf.native.one || (nf.native.via && def.type === 'secopt')) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    // a single scalar where a list is expected (`tmpfs: /run`), or a native scalar an adapter turns into
    // the list type's items (Kubernetes `allowPrivilegeEscalation: false`, `procMount: Unmasked`)
    applyOne(b, nf, type, value, ref);
  } else if (value && typeof value === 'object' && type.shape === 'list' && nf.native.via) {
    applyOne(b, nf, type, value, ref);
  } else {
    b.fail(ref, `${nf.label} must be a ${type.shape === 'map' ? 'mapping or a list' : 'list'}, got ${kindOf(value)}`);
  }
  if (def.type === 'sysctl') b.at('sysctls', ref);
  else if (def.type !== 'env' && def.type !== 'envfile' && def.type !== 'ulimit') b.at(nf.atKey, ref);
}

// ---------------------------------------------------------------- helpers shared with the front ends

/** `--mount type=bind,source=/x,target=/y,readonly,bind-propagation=rshared` (CSV as encoding/csv reads it) */
export function parseMountCsvWith(v: string, fail: (msg: string) => never): MountSpec {
  const m: Partial<MountSpec> & { readOnly: boolean } = { readOnly: false, type: 'volume' };
  for (const field of splitCsv(v, fail)) {
    const eq = field.indexOf('=');
    const key = (eq >= 0 ? field.slice(0, eq) : field).trim().toLowerCase();
    const val = eq >= 0 ? field.slice(eq + 1) : undefined;
    switch (key) {
      case 'type':
        if (!MOUNT_TYPES.has(val ?? '')) fail(`--mount: invalid type '${val}'`);
        m.type = val as MountType;
        break;
      case 'source':
      case 'src':
        m.source = val;
        break;
      case 'target':
      case 'destination':
      case 'dst':
        m.target = val;
        break;
      case 'readonly':
      case 'ro':
        if (val === undefined) m.readOnly = true;
        else if (/^(1|t|T|true|TRUE|True)$/.test(val)) m.readOnly = true;
        else if (/^(0|f|F|false|FALSE|False)$/.test(val)) m.readOnly = false;
        else fail(`--mount: invalid value "${val}" for readonly: expected a boolean`);
        break;
      case 'bind-propagation':
        if (!PROPAGATIONS.has(val ?? '')) fail(`--mount: invalid bind-propagation '${val}'`);
        m.propagation = val;
        break;
      case '':
        break;
      default:
        // volume-driver, volume-opt, volume-label, volume-nocopy, volume-subpath, tmpfs-size, tmpfs-mode,
        // bind-nonrecursive, bind-recursive, consistency, image-subpath: accepted, not security-relevant here
        if (!/^(volume-|tmpfs-|bind-|consistency|image-)/.test(key)) fail(`--mount: unknown option '${key}'`);
    }
  }
  if (!m.target) fail(`--mount '${v}': target is required`);
  return m as MountSpec;
}

/** Minimal CSV split for `--mount` (double quotes group, as encoding/csv does). */
export function splitCsv(s: string, fail: (msg: string) => never): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '"' && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (q) fail(`unterminated quote in '${s}'`);
  out.push(cur);
  return out;
}
