/**
 * Front end 1: `docker run` / `docker create` / `docker container run|create` argument lists → ContainerSpec.
 * The flag table follows docker/cli's cli/command/container/opts.go (addFlags) plus the flags run.go and
 * create.go add; parsing follows spf13/pflag: `--flag value`, `--flag=value`, bool flags with `=false`,
 * combined short flags (`-itd`, `-p8080:80`, `-e=K=V`), repeated flags, `--` and the first positional
 * argument (the image) ending the options.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import {
  addSecurityOpt,
  emptySpec,
  normCap,
  parseBytes,
  parsePortString,
  parseUlimit,
  type ContainerSpec,
  type MountSpec,
  type MountType,
} from './model.js';

type Kind = 'bool' | 'value';
interface FlagDef {
  name: string;
  short?: string;
  kind: Kind;
}

const F = (name: string, kind: Kind = 'value', short?: string): FlagDef => ({ name, kind, short });

/** Every `docker run` / `docker create` flag (docker/cli opts.go addFlags + run.go/create.go). */
export const RUN_FLAGS: FlagDef[] = [
  // general
  F('attach', 'value', 'a'),
  F('annotation'),
  F('device-cgroup-rule'),
  F('device'),
  F('gpus'),
  F('env', 'value', 'e'),
  F('env-file'),
  F('entrypoint'),
  F('group-add'),
  F('hostname', 'value', 'h'),
  F('domainname'),
  F('interactive', 'bool', 'i'),
  F('label', 'value', 'l'),
  F('label-file'),
  F('read-only', 'bool'),
  F('restart'),
  F('stop-signal'),
  F('stop-timeout'),
  F('sysctl'),
  F('tty', 'bool', 't'),
  F('ulimit'),
  F('user', 'value', 'u'),
  F('workdir', 'value', 'w'),
  F('rm', 'bool'),
  // security
  F('cap-add'),
  F('cap-drop'),
  F('privileged', 'bool'),
  F('security-opt'),
  F('userns'),
  F('cgroupns'),
  // network
  F('add-host'),
  F('dns'),
  F('dns-opt'),
  F('dns-option'),
  F('dns-search'),
  F('expose'),
  F('ip'),
  F('ip6'),
  F('link'),
  F('link-local-ip'),
  F('mac-address'),
  F('publish', 'value', 'p'),
  F('publish-all', 'bool', 'P'),
  F('net'),
  F('network'),
  F('net-alias'),
  F('network-alias'),
  // logging and storage
  F('log-driver'),
  F('volume-driver'),
  F('log-opt'),
  F('storage-opt'),
  F('tmpfs'),
  F('volumes-from'),
  F('volume', 'value', 'v'),
  F('mount'),
  // health
  F('health-cmd'),
  F('health-interval'),
  F('health-retries'),
  F('health-timeout'),
  F('health-start-period'),
  F('health-start-interval'),
  F('no-healthcheck', 'bool'),
  // resources
  F('blkio-weight'),
  F('blkio-weight-device'),
  F('cidfile'),
  F('cpuset-cpus'),
  F('cpuset-mems'),
  F('cpu-count'),
  F('cpu-percent'),
  F('cpu-period'),
  F('cpu-quota'),
  F('cpu-rt-period'),
  F('cpu-rt-runtime'),
  F('cpu-shares', 'value', 'c'),
  F('cpus'),
  F('device-read-bps'),
  F('device-read-iops'),
  F('device-write-bps'),
  F('device-write-iops'),
  F('io-maxbandwidth'),
  F('io-maxiops'),
  F('kernel-memory'),
  F('memory', 'value', 'm'),
  F('memory-reservation'),
  F('memory-swap'),
  F('memory-swappiness'),
  F('oom-kill-disable', 'bool'),
  F('oom-score-adj'),
  F('pids-limit'),
  // low level
  F('cgroup-parent'),
  F('ipc'),
  F('isolation'),
  F('pid'),
  F('shm-size'),
  F('uts'),
  F('runtime'),
  F('init', 'bool'),
  // run.go / create.go
  F('name'),
  F('platform'),
  F('pull'),
  F('quiet', 'bool', 'q'),
  F('disable-content-trust', 'bool'),
  F('use-api-socket', 'bool'),
  F('detach', 'bool', 'd'),
  F('detach-keys'),
  F('sig-proxy', 'bool'),
  F('help', 'bool'),
];

/** `docker` global options (cli/flags/options.go) */
const GLOBAL_VALUE = new Set(['-H', '--host', '--context', '-c', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const GLOBAL_BOOL = new Set(['-D', '--debug', '--tls', '--tlsverify']);
/** flags run.go adds that create.go does not */
const RUN_ONLY = new Set(['detach', 'detach-keys', 'sig-proxy']);
const BY_NAME = new Map(RUN_FLAGS.map((f) => [f.name, f]));
const BY_SHORT = new Map(RUN_FLAGS.filter((f) => f.short).map((f) => [f.short!, f]));
/** hidden aliases folded into their canonical flag */
const ALIAS: Record<string, string> = { net: 'network', 'net-alias': 'network-alias', 'dns-opt': 'dns-option' };

export interface ParsedFlag {
  /** canonical long name */
  name: string;
  /** the value; 'true'/'false' for bool flags */
  value: string;
  /** index in `args` (after `docker run`) where the flag starts */
  argIndex: number;
}

export interface ParsedRun {
  command: 'run' | 'create';
  flags: ParsedFlag[];
  image: string;
  cmd: string[];
  /** number of leading words (`docker run`, `docker container create`) consumed before the flags */
  prefix: string[];
}

function parseBool(v: string, flag: string): boolean {
  if (/^(1|t|T|true|TRUE|True)$/.test(v)) return true;
  if (/^(0|f|F|false|FALSE|False)$/.test(v)) return false;
  throw new InputError(`invalid value "${v}" for flag --${flag}: expected a boolean`);
}

/** Split `docker run ...` / `docker container create ...` / `run ...` into prefix and flag args. */
function stripPrefix(argv: string[]): { prefix: string[]; command: 'run' | 'create'; rest: string[] } {
  let i = 0;
  const prefix: string[] = [];
  if (argv[i] === 'docker' || /\/docker$/.test(argv[i] ?? '')) {
    prefix.push(argv[i++]!);
    // docker's global options before the sub-command (docker -H tcp://x --context y run ...)
    while (i < argv.length && argv[i]!.startsWith('-')) {
      const a = argv[i]!;
      const name = a.replace(/=.*$/, '');
      if (GLOBAL_VALUE.has(name)) {
        prefix.push(a);
        i++;
        if (!a.includes('=')) {
          if (i >= argv.length) throw new InputError(`docker global flag ${name} needs an argument`);
          prefix.push(argv[i++]!);
        }
      } else if (GLOBAL_BOOL.has(name)) prefix.push(argv[i++]!);
      else throw new InputError(`unknown docker global flag: ${a}`);
    }
  }
  if (argv[i] === 'container') prefix.push(argv[i++]!);
  const sub = argv[i];
  if (sub !== 'run' && sub !== 'create') {
    throw new InputError(`expected 'docker run ...', 'docker create ...' or 'docker container run|create ...', got '${argv.slice(0, 3).join(' ')}'`);
  }
  prefix.push(argv[i++]!);
  return { prefix, command: sub, rest: argv.slice(i) };
}

/** Parse the argument list of a `docker run` command line (pflag semantics, interspersed off). */
export function parseRunArgs(argv: string[]): ParsedRun {
  const { prefix, command, rest } = stripPrefix(argv);
  const flags: ParsedFlag[] = [];
  let i = 0;
  const push = (def: FlagDef, value: string, argIndex: number) => {
    const name = ALIAS[def.name] ?? def.name;
    if (command === 'create' && RUN_ONLY.has(def.name)) throw new InputError(`unknown flag: --${def.name} (docker create has no such flag)`);
    if (def.kind === 'bool') value = String(parseBool(value, def.name));
    flags.push({ name, value, argIndex });
  };
  while (i < rest.length) {
    const a = rest[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const def = BY_NAME.get(name);
      if (!def) throw new InputError(`unknown flag: --${name}`);
      if (def.kind === 'bool') {
        push(def, eq >= 0 ? a.slice(eq + 1) : 'true', i);
        i++;
      } else if (eq >= 0) {
        push(def, a.slice(eq + 1), i);
        i++;
      } else {
        if (i + 1 >= rest.length) throw new InputError(`flag needs an argument: --${name}`);
        push(def, rest[i + 1]!, i);
        i += 2;
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // combined short flags: -itd, -p8080:80, -e=K=V, -it -p ...
      let j = 1;
      let consumedNext = false;
      while (j < a.length) {
        const c = a[j]!;
        const def = BY_SHORT.get(c);
        if (!def) throw new InputError(`unknown shorthand flag: '${c}' in ${a}`);
        if (def.kind === 'bool') {
          if (a[j + 1] === '=') {
            push(def, a.slice(j + 2), i);
            j = a.length;
          } else {
            push(def, 'true', i);
            j++;
          }
          continue;
        }
        let v = a.slice(j + 1);
        if (v.startsWith('=')) v = v.slice(1);
        if (v === '') {
          if (i + 1 >= rest.length) throw new InputError(`flag needs an argument: '${c}' in -${c}`);
          v = rest[i + 1]!;
          consumedNext = true;
        }
        push(def, v, i);
        j = a.length;
      }
      i += consumedNext ? 2 : 1;
      continue;
    }
    break;
  }
  const image = rest[i];
  if (image === undefined) throw new InputError(`'docker ${command}' requires an image name`);
  return { command, flags, image, cmd: rest.slice(i + 1), prefix };
}

/** Minimal CSV split for `--mount` (double quotes group, as encoding/csv does). */
export function splitCsv(s: string): string[] {
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
  if (q) throw new InputError(`unterminated quote in '${s}'`);
  out.push(cur);
  return out;
}

const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

/** `--mount type=bind,source=/x,target=/y,readonly,bind-propagation=rshared` */
export function parseMountCsv(v: string): MountSpec {
  const m: Partial<MountSpec> & { readOnly: boolean } = { readOnly: false, type: 'volume' };
  for (const field of splitCsv(v)) {
    const eq = field.indexOf('=');
    const key = (eq >= 0 ? field.slice(0, eq) : field).trim().toLowerCase();
    const val = eq >= 0 ? field.slice(eq + 1) : undefined;
    switch (key) {
      case 'type':
        if (!['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'].includes(val ?? '')) throw new InputError(`--mount: invalid type '${val}'`);
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
        m.readOnly = val === undefined ? true : parseBool(val, 'mount readonly');
        break;
      case 'bind-propagation':
        if (!PROPAGATIONS.has(val ?? '')) throw new InputError(`--mount: invalid bind-propagation '${val}'`);
        m.propagation = val;
        break;
      case '':
        break;
      default:
        // volume-driver, volume-opt, volume-label, volume-nocopy, volume-subpath, tmpfs-size, tmpfs-mode,
        // bind-nonrecursive, bind-recursive, consistency, image-subpath: accepted, not security-relevant here
        if (!/^(volume-|tmpfs-|bind-|consistency|image-)/.test(key)) throw new InputError(`--mount: unknown option '${key}'`);
    }
  }
  if (!m.target) throw new InputError(`--mount '${v}': target is required`);
  return m as MountSpec;
}

/** `-v [SRC:]DST[:OPTS]` */
export function parseVolumeShort(v: string, cwd = process.cwd()): MountSpec {
  const parts = v.split(':');
  let src: string | undefined;
  let dst: string;
  let opts = '';
  if (parts.length === 1) dst = parts[0]!;
  else if (parts.length === 2) {
    if (parts[1]!.startsWith('/')) {
      src = parts[0];
      dst = parts[1]!;
    } else {
      dst = parts[0]!;
      opts = parts[1]!;
    }
  } else if (parts.length === 3) {
    [src, dst, opts] = parts as [string, string, string];
  } else throw new InputError(`invalid volume specification: '${v}'`);
  if (!dst.startsWith('/')) throw new InputError(`invalid volume specification: '${v}': the container path must be absolute`);
  const m: MountSpec = { type: 'volume', target: dst, readOnly: false };
  if (src !== undefined && src !== '') {
    if (src.startsWith('/') || src.startsWith('.') || src.startsWith('~')) {
      m.type = 'bind';
      m.source = src.startsWith('/') ? src : resolve(cwd, src.replace(/^~/, process.env.HOME ?? '~'));
    } else m.source = src;
  }
  for (const o of opts.split(',').filter(Boolean)) {
    if (o === 'ro') m.readOnly = true;
    else if (o === 'rw') m.readOnly = false;
    else if (o === 'z' || o === 'Z') m.selinux = o;
    else if (PROPAGATIONS.has(o)) m.propagation = o;
    else if (!['nocopy', 'consistent', 'cached', 'delegated'].includes(o)) throw new InputError(`invalid volume option '${o}' in '${v}'`);
  }
  return m;
}

/** Read a docker env file: `K=V`, `K` (value from the environment), `#` comments. */
export function readEnvFile(path: string): Array<{ name: string; value?: string }> {
  let text: string;
  try {
    if (statSync(path).size > 10 * 1024 * 1024) throw new InputError(`env file ${path} is larger than 10 MiB`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read env file ${path}: ${(e as Error).message}`);
  }
  const out: Array<{ name: string; value?: string }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq >= 0 ? line.slice(0, eq) : line.trim();
    if (!name || /\s/.test(name)) throw new InputError(`env file ${path}: variable '${name}' contains whitespaces`);
    if (eq >= 0) out.push({ name, value: line.slice(eq + 1) });
    else if (process.env[name] !== undefined) out.push({ name, value: process.env[name] });
  }
  return out;
}

function toInt(v: string, flag: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw new InputError(`invalid value "${v}" for flag --${flag}: expected an integer`);
  return Number(v);
}

/** Build the ContainerSpec a `docker run` command line describes. */
export function runArgsToSpec(argv: string[], opts: { cwd?: string } = {}): { spec: ContainerSpec; parsed: ParsedRun } {
  const parsed = parseRunArgs(argv);
  const cwd = opts.cwd ?? process.cwd();
  const nameFlag = parsed.flags.filter((f) => f.name === 'name').pop();
  const spec = emptySpec('run-args', nameFlag?.value ?? parsed.image);
  spec.image = parsed.image;
  const off = parsed.prefix.length;
  const at = (key: string, f: ParsedFlag) => {
    spec.at[key] = { field: `--${f.name} (arg ${f.argIndex + off})`, argIndex: f.argIndex + off };
  };
  spec.at[''] = { field: `${parsed.prefix.join(' ')} ${parsed.image}` };
  let health: { cmd?: string; interval?: string; timeout?: string; retries?: number; start?: string; none?: boolean; f?: ParsedFlag } = {};
  for (const f of parsed.flags) {
    const v = f.value;
    switch (f.name) {
      case 'privileged':
        spec.privileged = v === 'true';
        at('privileged', f);
        break;
      case 'cap-add':
        for (const c of v.split(',').map(normCap).filter(Boolean)) {
          at(`capAdd.${spec.capAdd.length}`, f);
          spec.capAdd.push(c);
        }
        at('capAdd', f);
        break;
      case 'cap-drop':
        for (const c of v.split(',').map(normCap).filter(Boolean)) spec.capDrop.push(c);
        at('capDrop', f);
        break;
      case 'user':
        spec.user = v;
        at('user', f);
        break;
      case 'network': {
        const name = v.includes('=') ? (/(?:^|,)name=([^,]*)/.exec(v)?.[1] ?? v) : v;
        if (spec.networkMode === undefined || /^(host|none|container:)/.test(name)) spec.networkMode = name;
        spec.networks.push(name);
        at('networkMode', f);
        break;
      }
      case 'pid':
        spec.pidMode = v;
        at('pidMode', f);
        break;
      case 'ipc':
        spec.ipcMode = v;
        at('ipcMode', f);
        break;
      case 'uts':
        spec.utsMode = v;
        at('utsMode', f);
        break;
      case 'userns':
        spec.usernsMode = v;
        at('usernsMode', f);
        break;
      case 'cgroupns':
        spec.cgroupnsMode = v;
        at('cgroupnsMode', f);
        break;
      case 'volume':
        at(`mounts.${spec.mounts.length}`, f);
        spec.mounts.push(parseVolumeShort(v, cwd));
        break;
      case 'mount': {
        const m = parseMountCsv(v);
        if (m.type === 'bind' && m.source && !m.source.startsWith('/')) m.source = resolve(cwd, m.source);
        at(`mounts.${spec.mounts.length}`, f);
        spec.mounts.push(m);
        break;
      }
      case 'tmpfs': {
        const c = v.indexOf(':');
        spec.tmpfs.push({ target: c >= 0 ? v.slice(0, c) : v, options: c >= 0 ? v.slice(c + 1) : '' });
        at('tmpfs', f);
        break;
      }
      case 'device': {
        const [host, container, perms] = v.split(':');
        at(`devices.${spec.devices.length}`, f);
        spec.devices.push({ host: host!, container: container || host!, permissions: perms ?? 'rwm' });
        break;
      }
      case 'device-cgroup-rule':
        at(`deviceCgroupRules.${spec.deviceCgroupRules.length}`, f);
        spec.deviceCgroupRules.push(v);
        break;
      case 'publish': {
        const ps = parsePortString(v);
        if (!ps) throw new InputError(`invalid published port '${v}' (arg ${f.argIndex + off})`);
        for (const p of ps) {
          at(`ports.${spec.ports.length}`, f);
          spec.ports.push(p);
        }
        break;
      }
      case 'publish-all':
        spec.publishAll = v === 'true';
        at('publishAll', f);
        break;
      case 'security-opt': {
        addSecurityOpt(spec.securityOpt, v);
        at('securityOpt', f);
        const k = /^(seccomp|apparmor|label)/.exec(v)?.[1];
        if (k) at(`securityOpt.${k}`, f);
        break;
      }
      case 'memory': {
        const b = parseBytes(v);
        if (b === undefined) throw new InputError(`invalid value "${v}" for flag --memory`);
        spec.memory = b;
        at('memory', f);
        break;
      }
      case 'memory-swap':
        spec.memorySwap = v === '-1' ? -1 : parseBytes(v);
        break;
      case 'cpus': {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new InputError(`invalid value "${v}" for flag --cpus`);
        spec.cpus = n;
        at('cpus', f);
        break;
      }
      case 'cpu-shares':
        spec.cpuShares = toInt(v, 'cpu-shares');
        at('cpus', f);
        break;
      case 'cpu-quota':
        spec.cpuQuota = toInt(v, 'cpu-quota');
        at('cpus', f);
        break;
      case 'cpuset-cpus':
        spec.cpusetCpus = v;
        at('cpus', f);
        break;
      case 'pids-limit':
        spec.pidsLimit = toInt(v, 'pids-limit');
        at('pidsLimit', f);
        break;
      case 'read-only':
        spec.readOnlyRootfs = v === 'true';
        at('readOnlyRootfs', f);
        break;
      case 'ulimit': {
        const eq = v.indexOf('=');
        const u = eq > 0 ? parseUlimit(v.slice(0, eq), v.slice(eq + 1)) : undefined;
        if (!u) throw new InputError(`invalid ulimit '${v}' (expected name=soft[:hard])`);
        spec.ulimits = spec.ulimits.filter((x) => x.name !== u.name);
        spec.ulimits.push(u);
        at(`ulimits.${u.name}`, f);
        break;
      }
      case 'sysctl': {
        const eq = v.indexOf('=');
        if (eq <= 0) throw new InputError(`invalid sysctl '${v}' (expected key=value)`);
        spec.sysctls[v.slice(0, eq)] = v.slice(eq + 1);
        at(`sysctls.${v.slice(0, eq)}`, f);
        break;
      }
      case 'env': {
        const eq = v.indexOf('=');
        const name = eq >= 0 ? v.slice(0, eq) : v;
        const value = eq >= 0 ? v.slice(eq + 1) : process.env[name];
        if (eq < 0 && value === undefined) break;
        spec.env = spec.env.filter((e) => e.name !== name);
        spec.env.push({ name, value, from: 'flag' });
        at(`env.${name}`, f);
        break;
      }
      case 'env-file': {
        const p = resolve(cwd, v);
        for (const e of readEnvFile(p)) {
          spec.env = spec.env.filter((x) => x.name !== e.name);
          spec.env.push({ ...e, from: 'env-file', file: p });
          at(`env.${e.name}`, f);
        }
        break;
      }
      case 'restart': {
        const [name, max] = v.split(':');
        if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!)) throw new InputError(`invalid restart policy '${v}'`);
        spec.restart = { name: name!, maxRetries: max !== undefined ? toInt(max, 'restart') : undefined };
        at('restart', f);
        break;
      }
      case 'health-cmd':
        health.cmd = v;
        health.f = f;
        break;
      case 'health-interval':
        health.interval = v;
        break;
      case 'health-timeout':
        health.timeout = v;
        break;
      case 'health-start-period':
        health.start = v;
        break;
      case 'health-retries':
        health.retries = toInt(v, 'health-retries');
        break;
      case 'no-healthcheck':
        if (v === 'true') {
          health.none = true;
          health.f = f;
        }
        break;
      case 'cgroup-parent':
        spec.cgroupParent = v;
        at('cgroupParent', f);
        break;
      default:
        break;
    }
  }
  if (health.none && health.cmd) throw new InputError('--no-healthcheck conflicts with --health-* options');
  if (health.none) spec.healthcheck = { disabled: true, test: ['NONE'] };
  else if (health.cmd !== undefined) {
    spec.healthcheck = { disabled: false, test: ['CMD-SHELL', health.cmd], interval: health.interval, timeout: health.timeout, retries: health.retries, startPeriod: health.start };
  }
  if (health.f) at('healthcheck', health.f);
  return { spec, parsed };
}
