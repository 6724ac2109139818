/**
 * dockerd settings, read from where they are really set: the command line (flags) and daemon.json.
 * dockerd refuses to start when a flag and a daemon.json key set the same directive ("the following
 * directives are specified both as a flag and in the configuration file"); such conflicts are reported.
 * Values not set anywhere fall back to the engine's default for its version.
 */

export type Kind = 'bool' | 'string' | 'list' | 'map';

export interface SettingSpec {
  /** daemon.json key */
  key: string;
  flags: string[];
  kind: Kind;
  /** default when unset; a function of the engine version when it changed over time */
  def?: unknown | ((engineVersion: string | undefined) => unknown);
  /** a short note on how the default changed */
  defaultNote?: string;
}

/** Compare dotted numeric versions (20.10.24 < 23.0.0); ignores suffixes. */
export function cmpDotted(a: string, b: string): number {
  const pa = a.split(/[^0-9]+/).filter(Boolean).map(Number);
  const pb = b.split(/[^0-9]+/).filter(Boolean).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

const atLeast = (v: string | undefined, min: string) => v !== undefined && cmpDotted(v.replace(/^(\d+\.\d+(\.\d+)?).*/, '$1'), min) >= 0;

export const SETTINGS: SettingSpec[] = [
  { key: 'hosts', flags: ['-H', '--host'], kind: 'list', def: [] },
  { key: 'icc', flags: ['--icc'], kind: 'bool', def: true },
  { key: 'log-level', flags: ['-l', '--log-level'], kind: 'string', def: 'info' },
  { key: 'debug', flags: ['-D', '--debug'], kind: 'bool', def: false },
  { key: 'iptables', flags: ['--iptables'], kind: 'bool', def: true },
  {
    key: 'ip6tables',
    flags: ['--ip6tables'],
    kind: 'bool',
    def: (v: string | undefined) => atLeast(v, '27.0'),
    defaultNote: 'false before Engine 27.0, true since',
  },
  { key: 'ip-forward', flags: ['--ip-forward'], kind: 'bool', def: true },
  { key: 'insecure-registries', flags: ['--insecure-registry'], kind: 'list', def: [] },
  { key: 'registry-mirrors', flags: ['--registry-mirror'], kind: 'list', def: [] },
  { key: 'storage-driver', flags: ['-s', '--storage-driver'], kind: 'string' },
  { key: 'storage-opts', flags: ['--storage-opt'], kind: 'list', def: [] },
  { key: 'tls', flags: ['--tls'], kind: 'bool', def: false },
  { key: 'tlsverify', flags: ['--tlsverify'], kind: 'bool', def: false },
  { key: 'tlscacert', flags: ['--tlscacert'], kind: 'string' },
  { key: 'tlscert', flags: ['--tlscert'], kind: 'string' },
  { key: 'tlskey', flags: ['--tlskey'], kind: 'string' },
  { key: 'default-ulimits', flags: ['--default-ulimit'], kind: 'map', def: {} },
  { key: 'userns-remap', flags: ['--userns-remap'], kind: 'string', def: '' },
  { key: 'cgroup-parent', flags: ['--cgroup-parent'], kind: 'string', def: '' },
  { key: 'authorization-plugins', flags: ['--authorization-plugin'], kind: 'list', def: [] },
  { key: 'log-driver', flags: ['--log-driver'], kind: 'string', def: 'json-file' },
  { key: 'log-opts', flags: ['--log-opt'], kind: 'map', def: {} },
  { key: 'no-new-privileges', flags: ['--no-new-privileges'], kind: 'bool', def: false },
  { key: 'live-restore', flags: ['--live-restore'], kind: 'bool', def: false },
  { key: 'userland-proxy', flags: ['--userland-proxy'], kind: 'bool', def: true },
  { key: 'userland-proxy-path', flags: ['--userland-proxy-path'], kind: 'string' },
  { key: 'seccomp-profile', flags: ['--seccomp-profile'], kind: 'string', def: '' },
  { key: 'experimental', flags: ['--experimental'], kind: 'bool', def: false },
  { key: 'selinux-enabled', flags: ['--selinux-enabled'], kind: 'bool', def: false },
  { key: 'data-root', flags: ['--data-root', '-g', '--graph'], kind: 'string', def: '/var/lib/docker' },
  { key: 'exec-root', flags: ['--exec-root'], kind: 'string', def: '/var/run/docker' },
  { key: 'pidfile', flags: ['-p', '--pidfile'], kind: 'string', def: '/var/run/docker.pid' },
  { key: 'containerd', flags: ['--containerd'], kind: 'string' },
  { key: 'group', flags: ['-G', '--group'], kind: 'string', def: 'docker' },
  { key: 'bridge', flags: ['-b', '--bridge'], kind: 'string', def: '' },
  { key: 'ip', flags: ['--ip'], kind: 'string', def: '0.0.0.0' },
  { key: 'default-runtime', flags: ['--default-runtime'], kind: 'string', def: 'runc' },
  { key: 'exec-opts', flags: ['--exec-opt'], kind: 'list', def: [] },
  { key: 'init', flags: ['--init'], kind: 'bool', def: false },
  { key: 'rootless', flags: ['--rootless'], kind: 'bool', def: false },
  { key: 'labels', flags: ['--label'], kind: 'list', def: [] },
  {
    key: 'default-cgroupns-mode',
    flags: ['--default-cgroupns-mode'],
    kind: 'string',
    def: (v: string | undefined) => (atLeast(v, '20.10') ? 'private (cgroup v2) / host (cgroup v1)' : 'host'),
    defaultNote: 'host before Engine 20.10; since 20.10 private on cgroup v2 hosts',
  },
];

/** Flags that take no value (`--flag` or `--flag=false`). */
const BOOL_FLAGS = new Set<string>([
  ...SETTINGS.filter((s) => s.kind === 'bool').flatMap((s) => s.flags),
  '--raw-logs',
  '--ipv6',
  '--ip-masq',
  '--disable-legacy-registry',
  '--validate',
  '-v',
  '--version',
  '--help',
  '-h',
]);

const FLAG_TO_SPEC = new Map<string, SettingSpec>();
for (const s of SETTINGS) for (const f of s.flags) FLAG_TO_SPEC.set(f, s);

export interface ParsedFlags {
  /** flag name (long form as written) → values in order */
  values: Map<string, string[]>;
  /** --config-file value */
  configFile?: string;
  /** arguments that are not flags */
  positional: string[];
}

/** Parse a dockerd argv (argv[0] = the program). Handles --f=v, --f v, -Hv, -H v, bool flags. */
export function parseDockerdArgs(argv: string[]): ParsedFlags {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  let configFile: string | undefined;
  const push = (k: string, v: string) => {
    const l = values.get(k) ?? [];
    l.push(v);
    values.set(k, l);
  };
  let i = argv[0] && !argv[0].startsWith('-') ? 1 : 0;
  // `docker daemon ...` (pre-1.12)
  if (argv[0]?.endsWith('docker') && argv[1] === 'daemon') i = 2;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    let name: string;
    let val: string | undefined;
    const eq = a.indexOf('=');
    if (eq > 0) {
      name = a.slice(0, eq);
      val = a.slice(eq + 1);
    } else if (/^-[A-Za-z]./.test(a) && !a.startsWith('--')) {
      // -Hunix:///x, -lwarn
      name = a.slice(0, 2);
      val = a.slice(2);
    } else {
      name = a;
    }
    if (val === undefined) {
      if (BOOL_FLAGS.has(name)) val = 'true';
      else if (i + 1 < argv.length) val = argv[++i]!;
      else val = '';
    }
    if (name === '--config-file') configFile = val;
    push(name, val);
  }
  return { values, configFile, positional };
}

export interface ResolvedSetting {
  key: string;
  value: unknown;
  source: 'flag' | 'daemon.json' | 'default';
  /** e.g. "--icc=false" or "daemon.json \"icc\": false" */
  where: string;
  /** set both as a flag and in daemon.json: dockerd refuses to start */
  conflict?: { flag: unknown; file: unknown };
  defaultNote?: string;
}

function parseBool(v: string): boolean | undefined {
  const l = v.toLowerCase();
  if (['true', '1', 't'].includes(l)) return true;
  if (['false', '0', 'f'].includes(l)) return false;
  return undefined;
}

function flagValue(spec: SettingSpec, raw: Array<{ flag: string; value: string }>): unknown {
  switch (spec.kind) {
    case 'bool': {
      const last = raw[raw.length - 1]!;
      return parseBool(last.value) ?? last.value;
    }
    case 'string':
      return raw[raw.length - 1]!.value;
    case 'list':
      return raw.map((r) => r.value);
    case 'map': {
      const m: Record<string, string> = {};
      for (const r of raw) {
        const eq = r.value.indexOf('=');
        if (eq > 0) m[r.value.slice(0, eq)] = r.value.slice(eq + 1);
        else m[r.value] = '';
      }
      return m;
    }
  }
}

export interface Resolution {
  settings: Map<string, ResolvedSetting>;
  conflicts: ResolvedSetting[];
  /** flags we do not know (kept for the report) */
  unknownFlags: string[];
  /** non-flag arguments: dockerd takes none and refuses to start with them */
  positional: string[];
}

/**
 * Resolve every known setting. `json` is the parsed daemon.json (undefined when absent);
 * `engineVersion` picks version-dependent defaults.
 */
export function resolveSettings(argv: string[], json: Record<string, unknown> | undefined, engineVersion?: string, jsonLabel = 'daemon.json'): Resolution {
  const parsed = parseDockerdArgs(argv);
  const settings = new Map<string, ResolvedSetting>();
  const conflicts: ResolvedSetting[] = [];
  const unknownFlags: string[] = [];
  const bySpec = new Map<SettingSpec, Array<{ flag: string; value: string }>>();
  for (const [flag, vals] of parsed.values) {
    const spec = FLAG_TO_SPEC.get(flag);
    if (!spec) {
      if (flag !== '--config-file') unknownFlags.push(flag);
      continue;
    }
    const list = bySpec.get(spec) ?? [];
    for (const v of vals) list.push({ flag, value: v });
    bySpec.set(spec, list);
  }
  for (const spec of SETTINGS) {
    const raw = bySpec.get(spec);
    const inFile = json !== undefined && Object.prototype.hasOwnProperty.call(json, spec.key);
    const fileVal = inFile ? normaliseJson(spec, json![spec.key]) : undefined;
    if (raw && raw.length) {
      const v = flagValue(spec, raw);
      const s: ResolvedSetting = {
        key: spec.key,
        value: v,
        source: 'flag',
        where: raw.map((r) => (spec.kind === 'bool' && r.value === 'true' ? r.flag : `${r.flag}=${r.value}`)).join(' '),
      };
      if (inFile) {
        s.conflict = { flag: v, file: fileVal };
        conflicts.push(s);
      }
      settings.set(spec.key, s);
    } else if (inFile) {
      settings.set(spec.key, { key: spec.key, value: fileVal, source: 'daemon.json', where: `${jsonLabel} "${spec.key}": ${JSON.stringify(json![spec.key])}` });
    } else {
      const d = typeof spec.def === 'function' ? (spec.def as (v: string | undefined) => unknown)(engineVersion) : spec.def;
      settings.set(spec.key, {
        key: spec.key,
        value: d,
        source: 'default',
        where: `default${engineVersion ? ` for Engine ${engineVersion}` : ''}${d === undefined ? ' (chosen by the engine at start)' : ''}`,
        ...(spec.defaultNote ? { defaultNote: spec.defaultNote } : {}),
      });
    }
  }
  return { settings, conflicts, unknownFlags, positional: parsed.positional };
}

function normaliseJson(spec: SettingSpec, v: unknown): unknown {
  if (spec.kind === 'bool' && typeof v === 'string') return parseBool(v) ?? v;
  if (spec.kind === 'list' && typeof v === 'string') return [v];
  return v;
}
