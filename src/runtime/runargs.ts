/**
 * Front end 1: `docker run` / `docker create` / `docker container run|create` argument lists → ContainerSpec
 * (each flag mapped through the field table, src/runtime/fields.ts).
 * The flag table follows docker/cli's cli/command/container/opts.go (addFlags) plus the flags run.go and
 * create.go add; parsing follows spf13/pflag: `--flag value`, `--flag=value`, bool flags with `=false`,
 * combined short flags (`-itd`, `-p8080:80`, `-e=K=V`), repeated flags, `--` and the first positional
 * argument (the image) ending the options.
 */
import { resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { emptySpec, type ContainerSpec, type MountSpec } from './model.js';
import { applyField, parseMountCsvWith, parseVolumeString, RUN_FIELDS, SpecBuilder, splitCsv as splitCsvWith } from './fields.js';

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
        if (!def) throw new InputError(`unknown shorthand flag: '${c}' in ${a.length > 64 || a.includes('=') ? a.slice(0, j + 1) + '…' : a}`);
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
  return splitCsvWith(s, fail);
}

const fail = (msg: string): never => {
  throw new InputError(msg);
};

/** `--mount type=bind,source=/x,target=/y,readonly,bind-propagation=rshared` */
export function parseMountCsv(v: string): MountSpec {
  return parseMountCsvWith(v, fail);
}

/** `-v [SRC:]DST[:OPTS]` */
export function parseVolumeShort(v: string, cwd = process.cwd()): MountSpec {
  return parseVolumeString(v, (src) => (src.startsWith('/') ? src : resolve(cwd, src.replace(/^~/, process.env.HOME ?? '~'))), fail);
}

export { readEnvFile } from './envfile.js';

const HEALTH_FLAGS = new Set(['health-cmd', 'health-interval', 'health-timeout', 'health-retries', 'health-start-period', 'no-healthcheck']);

/** Build the ContainerSpec a `docker run` command line describes (each flag through the field table). */
export function runArgsToSpec(argv: string[], opts: { cwd?: string } = {}): { spec: ContainerSpec; parsed: ParsedRun } {
  const parsed = parseRunArgs(argv);
  const cwd = opts.cwd ?? process.cwd();
  let nameFlag: ParsedFlag | undefined;
  for (const f of parsed.flags) if (f.name === 'name') nameFlag = f;
  const spec = emptySpec('run-args', nameFlag?.value ?? parsed.image);
  spec.image = parsed.image;
  const off = parsed.prefix.length;
  const refOf = (f: ParsedFlag) => ({ field: `--${f.name} (arg ${f.argIndex + off})`, argIndex: f.argIndex + off });
  spec.at[''] = { field: `${parsed.prefix.join(' ')} ${parsed.image}` };
  const b = new SpecBuilder(spec, {
    where: (r) => r.field,
    who: '',
    baseDir: cwd,
    lookupEnv: (n) => process.env[n],
    envFrom: 'flag',
    envFileFrom: 'env-file',
  });
  const health: { cmd?: string; interval?: string; timeout?: string; retries?: number; start?: string; none?: boolean; f?: ParsedFlag } = {};
  for (const f of parsed.flags) {
    if (HEALTH_FLAGS.has(f.name)) {
      const v = f.value;
      if (f.name === 'health-cmd') {
        health.cmd = v;
        health.f = f;
      } else if (f.name === 'health-interval') health.interval = v;
      else if (f.name === 'health-timeout') health.timeout = v;
      else if (f.name === 'health-start-period') health.start = v;
      else if (f.name === 'health-retries') health.retries = b.int(v, refOf(f), 'health-retries');
      else if (v === 'true') {
        health.none = true;
        health.f = f;
      }
      continue;
    }
    const nf = RUN_FIELDS.get(f.name);
    if (nf) applyField(b, nf, f.value, refOf(f));
  }
  if (health.none && health.cmd) throw new InputError('--no-healthcheck conflicts with --health-* options');
  if (health.none) spec.healthcheck = { disabled: true, test: ['NONE'] };
  else if (health.cmd !== undefined) {
    spec.healthcheck = { disabled: false, test: ['CMD-SHELL', health.cmd], interval: health.interval, timeout: health.timeout, retries: health.retries, startPeriod: health.start };
  }
  if (health.f) spec.at.healthcheck = refOf(health.f);
  return { spec, parsed };
}
