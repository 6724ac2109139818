/**
 * `bulwark harden run -- docker run ...`: the plan (plan.ts) written as a new `docker run` command line,
 * shell-quoted. Flags the plan removes are dropped, rewritten ones keep their place, new ones follow the
 * existing flags; secret-looking `-e NAME=VALUE` become `-e NAME` so the value never sits on a command line.
 */
import type { Finding } from '../core/finding.js';
import { checkContainer } from '../analyzers/runtime/index.js';
import { normCap } from '../runtime/model.js';
import { runArgsToSpec, RUN_FLAGS, type ParsedFlag } from '../runtime/runargs.js';
import type { HardenSettings } from './config.js';
import { keptWhat, resolvedBy, type AppliedChange } from './compose.js';
import { planHardening, type KeepEntry, type Kept } from './plan.js';

/** POSIX shell quoting: bare when safe, else single quotes. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface HardenRunOptions {
  keep?: KeepEntry[];
  /** the image's configured USER ('' when it has none), when it could be looked up */
  imageUser?: string;
}

export interface HardenRunResult {
  argv: string[];
  command: string;
  /** one line per change: `what [resolves IDs]` */
  changes: string[];
  applied: AppliedChange[];
  kept: Kept[];
  notes: string[];
  before: Finding[];
  after: Finding[];
}

const NS_FLAG: Record<string, string> = { networkMode: 'network', pidMode: 'pid', ipcMode: 'ipc', utsMode: 'uts', usernsMode: 'userns', cgroupnsMode: 'cgroupns' };
const SECOPT_RE: Record<string, RegExp> = {
  seccomp: /^seccomp[=:]unconfined$/,
  apparmor: /^apparmor[=:]unconfined$/,
  label: /^label[=:]disable$/,
  systempaths: /^systempaths[=:]unconfined$/,
};

export function hardenRunArgs(argv: string[], settings: HardenSettings, opts: HardenRunOptions = {}): HardenRunResult {
  const { spec, parsed } = runArgsToSpec(argv);
  const before = checkContainer(spec);
  const plan = planHardening({ spec, settings, keep: opts.keep ?? [], imageUser: opts.imageUser, syntax: 'run' });
  const off = parsed.prefix.length;
  /** the flag a spec field was read from */
  const flagOf = (field: string): ParsedFlag | undefined => {
    const i = spec.at[field]?.argIndex;
    return i === undefined ? undefined : parsed.flags.find((f) => f.argIndex + off === i);
  };
  const drop = new Set<ParsedFlag>();
  const rewrite = new Map<ParsedFlag, string>();
  const add: Array<[string, string]> = [];
  const applied: AppliedChange[] = [];
  const name = spec.name;
  const done = (text: string, c: Parameters<typeof resolvedBy>[0]) => applied.push({ target: name, text, resolves: resolvedBy(c, before) });
  for (const c of plan.changes) {
    const o = c.op;
    switch (o.op) {
      case 'unset-privileged':
        for (const f of parsed.flags) if (f.name === 'privileged' && f.value === 'true') drop.add(f);
        done('removed --privileged', c);
        break;
      case 'remove-cap':
        for (const f of parsed.flags) {
          if (f.name !== 'cap-add') continue;
          const caps = (rewrite.get(f) ?? f.value).split(',').filter((x) => normCap(x) !== o.cap && x.trim() !== '');
          if (caps.length) rewrite.set(f, caps.join(','));
          else drop.add(f);
        }
        done(`removed --cap-add ${o.cap}`, c);
        break;
      case 'drop-all-caps':
        add.push(['cap-drop', 'ALL']);
        for (const cap of o.addBack) add.push(['cap-add', cap]);
        done(`--cap-drop ALL${o.addBack.length ? ` --cap-add ${o.addBack.join(' ')}` : ''}`, c);
        break;
      case 'remove-mount': {
        const f = flagOf(`mounts.${o.index}`);
        if (f) drop.add(f);
        done(`removed ${f ? `--${f.name} ${f.value}` : `the mount of ${spec.mounts[o.index]!.source}`}`, c);
        break;
      }
      case 'mount-read-only': {
        const f = flagOf(`mounts.${o.index}`);
        if (!f) break;
        let v = f.value;
        if (f.name === 'mount') v = `${v},readonly`;
        else {
          const parts = v.split(':');
          if (parts.length === 2) v = `${v}:ro`;
          else if (parts.length === 3) v = `${parts[0]}:${parts[1]}:${['ro', ...parts[2]!.split(',').filter((x) => x && x !== 'rw' && x !== 'ro')].join(',')}`;
        }
        rewrite.set(f, v);
        done(`--${f.name} ${v} (read-only)`, c);
        break;
      }
      case 'remove-namespace': {
        const flag = NS_FLAG[o.field]!;
        for (const f of parsed.flags) if (f.name === flag && f.value === 'host') drop.add(f);
        done(`removed --${flag} host`, c);
        break;
      }
      case 'remove-security-opt':
        for (const f of parsed.flags) if (f.name === 'security-opt' && SECOPT_RE[o.kind]!.test(f.value)) drop.add(f);
        done(`removed --security-opt ${o.kind === 'label' ? 'label=disable' : `${o.kind}=unconfined`}`, c);
        break;
      case 'seccomp-profile':
        for (const f of parsed.flags) if (f.name === 'security-opt' && /^seccomp[=:]/.test(f.value)) drop.add(f);
        add.push(['security-opt', `seccomp=${o.path}`]);
        done(`--security-opt seccomp=${o.path}`, c);
        break;
      case 'set-user':
        for (const f of parsed.flags) if (f.name === 'user') drop.add(f);
        add.push(['user', o.user]);
        done(`--user ${o.user} (${c.why})`, c);
        break;
      case 'no-new-privileges':
        for (const f of parsed.flags) if (f.name === 'security-opt' && /^no-new-privileges[=:](false|0)$/.test(f.value)) drop.add(f);
        add.push(['security-opt', 'no-new-privileges:true']);
        done('--security-opt no-new-privileges:true', c);
        break;
      case 'read-only-rootfs':
        for (const f of parsed.flags) if (f.name === 'read-only' && f.value === 'false') drop.add(f);
        add.push(['read-only', 'true']);
        done('--read-only', c);
        break;
      case 'tmpfs':
        for (const t of o.targets) add.push(['tmpfs', `${t}:rw,noexec,nosuid,size=${o.size}`]);
        done(`--tmpfs ${o.targets.join(', ')}`, c);
        break;
      case 'limit': {
        const flag = o.what === 'memory' ? 'memory' : o.what === 'cpus' ? 'cpus' : 'pids-limit';
        if (flag === 'pids-limit') for (const f of parsed.flags) if (f.name === 'pids-limit') drop.add(f);
        add.push([flag, o.value]);
        done(`--${flag} ${o.value}`, c);
        break;
      }
      case 'bind-port': {
        const f = flagOf(`ports.${o.index}`);
        const p = spec.ports[o.index]!;
        if (!f) break;
        const proto = f.value.includes('/') ? f.value.slice(f.value.lastIndexOf('/')) : '';
        const v = `${o.address}:${p.hostPort ?? ''}:${p.containerPort}${proto}`;
        rewrite.set(f, v);
        done(`port ${f.value} -> ${v}`, c);
        break;
      }
      case 'remove-publish-all':
        for (const f of parsed.flags) if (f.name === 'publish-all' && f.value === 'true') drop.add(f);
        done('removed --publish-all (publish the needed ports explicitly, bound to an address)', c);
        break;
      case 'remove-device': {
        const f = flagOf(`devices.${o.index}`);
        if (f) drop.add(f);
        done(`removed --device ${spec.devices[o.index]!.host}`, c);
        break;
      }
      case 'remove-sysctl':
        for (const f of parsed.flags) if (f.name === 'sysctl' && f.value.startsWith(`${o.name}=`)) drop.add(f);
        done(`removed --sysctl ${o.name}`, c);
        break;
      case 'add-sysctl':
        add.push(['sysctl', `${o.name}=${o.value}`]);
        done(`--sysctl ${o.name}=${o.value}`, c);
        break;
      case 'env-off-command-line':
        for (const f of parsed.flags) if (f.name === 'env' && f.value.slice(0, f.value.indexOf('=')) === o.name) rewrite.set(f, o.name);
        done(c.text, c);
        break;
      case 'remove-port':
      case 'default-seccomp':
      case 'no-service-account-token':
        break;
    }
  }
  const out: string[] = [...parsed.prefix];
  for (const f of parsed.flags) {
    if (drop.has(f)) continue;
    const v = rewrite.get(f) ?? f.value;
    if (isBool(f.name)) out.push(v === 'true' ? `--${f.name}` : `--${f.name}=${v}`);
    else out.push(`--${f.name}`, v);
  }
  const ORDER = ['cap-drop', 'cap-add', 'security-opt', 'read-only', 'tmpfs', 'memory', 'cpus', 'pids-limit', 'user', 'sysctl'];
  add.sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
  for (const [n, v] of add) {
    if (n === 'read-only') out.push('--read-only');
    else out.push(`--${n}`, v);
  }
  out.push(parsed.image, ...parsed.cmd);
  const after = checkContainer(runArgsToSpec(out).spec);
  const keptLines = plan.kept.map((k) => `# bulwark: kept ${keptWhat(k.text)} on purpose (--keep ${k.setting}): ${k.reason}${k.rules.length ? ` [leaves ${k.rules.join(', ')} open]` : ''}`);
  return {
    argv: out,
    command: [...keptLines, out.map(shellQuote).join(' ')].join('\n'),
    changes: applied.map((a) => `${a.text}${a.resolves.length ? ` [resolves ${a.resolves.join(', ')}]` : ''}`),
    applied,
    kept: plan.kept,
    notes: plan.notes,
    before,
    after,
  };
}

const BOOLS = new Set(RUN_FLAGS.filter((f) => f.kind === 'bool').map((f) => f.name));
function isBool(n: string): boolean {
  return BOOLS.has(n);
}
