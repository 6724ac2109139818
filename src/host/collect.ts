/**
 * Collect HostEvidence: live (Engine API + /proc + host files) or offline (`--root DIR`, files only).
 */
import { posix } from 'node:path';
import { EngineClient } from '../sources/engine/client.js';
import { HostFs } from './fsroot.js';
import { cmdline, hostFlags, identifyDaemon, listenersOf, liveProc, processUid, sameEndpoint, type ProcFs } from './proc.js';
import { parseDockerdArgs, resolveSettings } from './settings.js';
import { expandExec, parseEnvFile, resolveUnit, SYSTEM_UNIT_DIRS, userUnitDirs } from './systemd.js';
import { collectAuditRules } from './audit.js';
import type { ComponentVersions, ContainerConfinement, FileFacts, HostEvidence, KernelFacts, MountEntry, OsRelease } from './types.js';
import { MAX_PROFILE_BYTES } from '../profiles/seccomp/profile.js';

export interface CollectOptions {
  /** engine endpoint (unix:///..., tcp://...); default DOCKER_HOST, else the rootful or rootless socket */
  host?: string;
  /** offline: audit this filesystem snapshot, no engine */
  root?: string;
  /** the daemon.json to read (default: dockerd's --config-file, else /etc/docker/daemon.json) */
  configFile?: string;
  /** the dockerd PID, when known */
  pid?: number;
  /** an engine client to use (tests); default one is built from `host` */
  engine?: EngineClient;
  proc?: ProcFs;
  /** environment (XDG_RUNTIME_DIR, HOME, DOCKER_HOST); default process.env */
  env?: NodeJS.ProcessEnv;
}

export const BIN_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/bin', '/sbin'];
export const BINARY_NAMES = ['dockerd', 'containerd', 'containerd-shim', 'containerd-shim-runc-v1', 'containerd-shim-runc-v2', 'runc'];

export async function collectHostEvidence(opts: CollectOptions = {}): Promise<HostEvidence> {
  const env = opts.env ?? process.env;
  const offline = Boolean(opts.root && opts.root !== '/');
  const fs = new HostFs(offline ? opts.root! : '/');
  const proc = opts.proc ?? liveProc;
  const warnings: string[] = [];

  // 1. which endpoint (and is it rootless?)
  let endpoint = opts.host ?? env.DOCKER_HOST ?? '';
  const xdg = env.XDG_RUNTIME_DIR;
  if (!endpoint) {
    endpoint = 'unix:///var/run/docker.sock';
    if (!offline && xdg && !fs.stat('/var/run/docker.sock').exists && fs.stat(`${xdg}/docker.sock`).exists) endpoint = `unix://${xdg}/docker.sock`;
  }
  if (endpoint.startsWith('/')) endpoint = 'unix://' + endpoint;

  // 2. engine
  const engine: HostEvidence['engine'] = {};
  if (offline) {
    engine.error = 'offline audit (--root): the Engine API is not queried';
  } else {
    try {
      const client = opts.engine ?? new EngineClient({ host: endpoint, timeoutMs: 15_000 });
      engine.info = await client.json<Record<string, any>>('/info');
      engine.version = await client.json<Record<string, any>>('/version');
      engine.images = await client.json<Array<Record<string, any>>>('/images/json', { all: 0 });
      engine.containers = await client.json<Array<Record<string, any>>>('/containers/json', { all: 1 });
      engine.networks = await client.json<Array<Record<string, any>>>('/networks');
      try {
        engine.bridge = await client.json<Record<string, any>>('/networks/bridge');
      } catch {
        /* no default bridge (--bridge=none) */
      }
      engine.confinement = await containerConfinement(client, engine.containers);
    } catch (e) {
      engine.error = (e as Error).message;
      warnings.push(`Engine API at ${endpoint} not available: ${engine.error}; checks that need it are not evaluated`);
    }
  }
  const secOpts: string[] = (engine.info?.SecurityOptions as string[] | undefined) ?? [];
  let rootless = secOpts.some((s) => s.includes('name=rootless')) || Boolean(xdg && endpoint === `unix://${xdg}/docker.sock`);

  // 3. the daemon process (live only)
  let daemon: HostEvidence['daemon'];
  let argv: string[] = [];
  let argvSource = '';
  if (!offline) {
    const defaultSock = endpoint === 'unix:///var/run/docker.sock' || endpoint === 'unix:///run/docker.sock';
    const pidfile = rootless && xdg ? `${xdg}/docker.pid` : defaultSock ? '/var/run/docker.pid' : undefined;
    const id = identifyDaemon(endpoint, { pid: opts.pid, pidfile, proc });
    if (id.pid !== undefined) {
      argv = cmdline(proc, id.pid);
      const l = listenersOf(proc, id.pid);
      daemon = {
        pid: id.pid,
        argv,
        exe: proc.readlink(`/proc/${id.pid}/exe`)?.replace(/ \(deleted\)$/, ''),
        uid: processUid(proc, id.pid),
        identifiedBy: id.identifiedBy,
        systemdUnit: /\/([^/\n]+\.service)(\/|$)/m.exec(proc.read(`/proc/${id.pid}/cgroup`) ?? '')?.[1],
        tcpListeners: l.tcp,
        unixListeners: l.unix,
      };
      argvSource = `/proc/${id.pid}/cmdline`;
      if (daemon.uid !== undefined && daemon.uid !== 0) rootless = true;
    } else {
      warnings.push(`dockerd process not identified (${id.identifiedBy}); daemon flags taken from the systemd unit instead`);
    }
  }

  // 4. home of the daemon's user (rootless config lives there)
  const passwd = parsePasswd(fs.readText('/etc/passwd') ?? '');
  const daemonUid = daemon?.uid ?? 0;
  const pw = passwd.find((p) => p.uid === daemonUid);
  // the daemon's own environment says where its rootless files are (HOME, XDG_RUNTIME_DIR)
  const denv: Record<string, string> = {};
  for (const kv of (daemon ? proc.read(`/proc/${daemon.pid}/environ`) ?? '' : '').split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) denv[kv.slice(0, i)] = kv.slice(i + 1);
  }
  if (denv.ROOTLESSKIT_STATE_DIR) rootless = true;
  const home = (rootless ? denv.HOME : undefined) ?? pw?.home ?? env.HOME ?? '/root';
  const subgids = (fs.readText('/etc/subgid') ?? '')
    .split('\n')
    .map((l) => l.trim().split(':'))
    .filter((f) => f.length === 3 && (f[0] === pw?.name || f[0] === String(daemonUid)) && /^\d+$/.test(f[1]!) && /^\d+$/.test(f[2]!))
    .map((f) => ({ start: Number(f[1]), count: Number(f[2]) }));
  const runtimeDir = rootless ? (denv.XDG_RUNTIME_DIR ?? xdg ?? (daemonUid ? `/run/user/${daemonUid}` : undefined)) : undefined;

  // 5. systemd units
  const unitDirs = rootless ? userUnitDirs(home, runtimeDir) : SYSTEM_UNIT_DIRS;
  const service = resolveUnit(fs, 'docker.service', unitDirs);
  const socket = resolveUnit(fs, 'docker.socket', unitDirs);
  const containerdUnit = resolveUnit(fs, 'containerd.service', SYSTEM_UNIT_DIRS);

  // 6. environment files
  const defaultDocker = fs.stat('/etc/default/docker');
  const sysconfigDocker = fs.stat('/etc/sysconfig/docker');
  const envContent: Record<string, string> = {};
  for (const f of service.environmentFiles) {
    const p = f.replace(/^-/, '');
    Object.assign(envContent, parseEnvFile(fs.readText(p) ?? ''));
  }

  let settingsKnown = true;
  if (!argv.length) {
    const exec = service.execStart[service.execStart.length - 1];
    const unitArgv = exec ? expandExec(exec, { ...service.environment, ...envContent }) : undefined; // EnvironmentFile= overrides Environment=
    // live, the unit describes the endpoint only when it serves it (default socket, fd:// activation, or its -H)
    const unitServes =
      unitArgv !== undefined &&
      (offline ||
        hostFlags(unitArgv).some((h) => sameEndpoint(h, endpoint)) ||
        ((endpoint === 'unix:///var/run/docker.sock' || endpoint === 'unix:///run/docker.sock') &&
          (hostFlags(unitArgv).length === 0 || hostFlags(unitArgv).some((h) => h.startsWith('fd://')))));
    if (unitArgv && unitServes) {
      argv = unitArgv;
      argvSource = `${service.fragment?.path ?? 'docker.service'} ExecStart${service.dropIns.length ? ' (with drop-ins)' : ''}`;
    } else {
      argv = ['dockerd'];
      settingsKnown = offline;
      argvSource = offline
        ? 'no docker.service ExecStart in the snapshot (defaults assumed)'
        : `no process serves ${endpoint} and no systemd unit is configured for it`;
    }
  }

  // 7. daemon.json
  const flags = parseDockerdArgs(argv);
  const cfgPath = opts.configFile ?? flags.configFile ?? (rootless ? `${home}/.config/docker/daemon.json` : '/etc/docker/daemon.json');
  const cfgSource = opts.configFile ? '--config-file option of the audit' : flags.configFile ? `dockerd --config-file (${argvSource})` : rootless ? 'rootless default' : 'default path';
  const cfgFacts = fs.stat(cfgPath);
  let json: Record<string, unknown> | undefined;
  let parseError: string | undefined;
  if (cfgFacts.exists) {
    const text = fs.readText(cfgPath) ?? '';
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
      else parseError = 'daemon.json is not a JSON object';
    } catch (e) {
      parseError = `daemon.json is not valid JSON: ${(e as Error).message}`;
    }
    if (parseError) warnings.push(`${cfgPath}: ${parseError} (dockerd refuses to start with it)`);
  }

  // 8. versions
  const components = componentsFromVersion(engine.version);
  const os = parseOsRelease(fs.readText('/etc/os-release') ?? fs.readText('/usr/lib/os-release') ?? '');
  if (offline) Object.assign(components, componentsFromDpkg(fs.readText('/var/lib/dpkg/status') ?? ''), {});
  const engineVersion = components.engine?.version;
  const settings = resolveSettings(argv, json, engineVersion, cfgPath);
  const seccompSetting = settings.settings.get('seccomp-profile')?.value;
  let daemonSeccompProfile: HostEvidence['daemonSeccompProfile'];
  if (typeof seccompSetting === 'string' && seccompSetting && !['unconfined', 'builtin', 'default'].includes(seccompSetting)) {
    const text = fs.readText(seccompSetting, MAX_PROFILE_BYTES);
    daemonSeccompProfile = text === undefined ? { path: seccompSetting, error: 'the file does not exist or cannot be read' } : { path: seccompSetting, text };
  }

  // 9. files CIS section 3 looks at
  const files: Record<string, FileFacts> = {};
  const add = (p: string | undefined) => {
    if (p && !files[p]) files[p] = fs.stat(p);
  };
  const etcDocker = rootless ? `${home}/.config/docker` : '/etc/docker';
  add(etcDocker);
  add(cfgPath);
  const infoRoot = engine.info?.DockerRootDir as string | undefined;
  const userns = secOpts.some((o) => o.includes('name=userns'));
  // with userns-remap the engine reports <data-root>/<uid>.<gid>
  const dataRoot = infoRoot
    ? { path: userns ? posix.dirname(infoRoot) : infoRoot, source: `/info DockerRootDir${userns ? ' (parent: userns-remap subdirectory)' : ''}` }
    : rootless && settings.settings.get('data-root')?.source === 'default'
      ? { path: `${home}/.local/share/docker`, source: 'rootless default' }
      : { path: String(settings.settings.get('data-root')?.value ?? '/var/lib/docker'), source: settings.settings.get('data-root')?.where ?? 'default' };
  add(dataRoot.path);
  add('/run/containerd');
  add('/etc/containerd/config.toml');
  const tlsOn = settings.settings.get('tls')?.value === true || settings.settings.get('tlsverify')?.value === true;
  for (const k of ['tlscacert', 'tlscert', 'tlskey']) {
    const v = settings.settings.get(k)?.value;
    if (typeof v === 'string' && v) add(v);
    else if (tlsOn) add(`${home}/.docker/${k === 'tlscacert' ? 'ca' : k === 'tlscert' ? 'cert' : 'key'}.pem`);
  }
  const registryCerts = fs
    .walk(`${etcDocker}/certs.d`, 3)
    .filter((p) => /\.(crt|cert|key|pem)$/.test(p))
    .map((p) => fs.stat(p));

  // 10. sockets
  const dockerSockPath = endpoint.startsWith("unix://") ? endpoint.slice(7) : rootless && runtimeDir ? `${runtimeDir}/docker.sock` : "/var/run/docker.sock";
  // rootless dockerd defaults its exec-root to $XDG_RUNTIME_DIR/docker
  const execSetting = settings.settings.get('exec-root');
  const execRoot = rootless && runtimeDir && execSetting?.source === 'default' ? `${runtimeDir}/docker` : String(execSetting?.value ?? '/var/run/docker');
  const ctrSocks = new Set<string>(['/run/containerd/containerd.sock', `${execRoot}/containerd/containerd.sock`]);
  const ctrFlag = settings.settings.get('containerd')?.value;
  if (typeof ctrFlag === 'string' && ctrFlag) ctrSocks.add(ctrFlag.replace(/^unix:\/\//, ''));
  const sockets = { docker: fs.stat(dockerSockPath), containerd: [...ctrSocks].map((p) => fs.stat(p)) };

  // 11. groups
  const groupLines = parseGroup(fs.readText('/etc/group') ?? '');
  const groupName = String(settings.settings.get('group')?.value || 'docker');
  const g = groupLines.find((x) => x.name === groupName);
  const dockerGroup = g
    ? { gid: g.gid, members: g.members, primaryMembers: passwd.filter((p) => p.gid === g.gid).map((p) => p.name) }
    : undefined;

  // 12. audit rules, mounts, kernel
  const audit = collectAuditRules(fs, !offline);
  let mounts: MountEntry[] = [];
  let mountsSource = '';
  if (!offline) {
    const mi = (daemon && proc.read(`/proc/${daemon.pid}/mountinfo`)) || proc.read('/proc/self/mountinfo');
    mounts = parseMountinfo(mi ?? '');
    mountsSource = daemon ? `/proc/${daemon.pid}/mountinfo` : '/proc/self/mountinfo';
    if (!mounts.length) {
      mounts = parseFstab(proc.read('/proc/mounts') ?? '');
      mountsSource = '/proc/mounts';
    }
  } else {
    mounts = parseFstab(fs.readText('/etc/fstab') ?? '');
    mountsSource = '/etc/fstab';
  }
  const kernel: KernelFacts = offline
    ? { source: '/lib/modules', installed: fs.list('/lib/modules').filter((n) => /^\d/.test(n)) }
    : {
        release: proc.read('/proc/sys/kernel/osrelease')?.trim() ?? (engine.info?.KernelVersion as string | undefined),
        procVersion: proc.read('/proc/version')?.trim(),
        source: '/proc/sys/kernel/osrelease',
      };

  // 13. binaries
  const binaries: Record<string, FileFacts> = {};
  for (const name of BINARY_NAMES) {
    for (const d of BIN_DIRS) {
      const f = fs.stat(`${d}/${name}`);
      if (f.exists && !binaries[name]) binaries[name] = f;
    }
  }
  if (daemon?.exe && !offline) binaries.dockerd = fs.stat(daemon.exe);

  return {
    mode: offline ? 'offline' : 'live',
    root: fs.root,
    endpoint,
    rootless,
    daemonUser: { uid: daemonUid, name: pw?.name, home, runtimeDir, primaryGid: pw?.gid, subgids },
    engine,
    // the auditing process's own environment: what a docker client started from this shell would do (CIS 4.5)
    ...(offline ? {} : { clientEnv: { ...(env.DOCKER_CONTENT_TRUST !== undefined ? { DOCKER_CONTENT_TRUST: env.DOCKER_CONTENT_TRUST } : {}) } }),
    daemon,
    daemonArgs: argv,
    daemonArgsSource: argvSource,
    settingsKnown,
    settings,
    configFile: { path: cfgPath, facts: cfgFacts, json, parseError, source: cfgSource },
    units: { service, socket, containerd: containerdUnit },
    envFiles: { defaultDocker, sysconfigDocker, content: envContent },
    files,
    dataRoot,
    registryCerts,
    sockets,
    groups: { dockerGroup, passwd: passwd.map(({ name, uid, gid }) => ({ name, uid, gid })) },
    audit,
    mounts,
    mountsSource,
    kernel,
    components,
    os,
    binaries,
    ...(daemonSeccompProfile ? { daemonSeccompProfile } : {}),
    warnings,
  };
}

export function parsePasswd(text: string): Array<{ name: string; uid: number; gid: number; home: string }> {
  const out: Array<{ name: string; uid: number; gid: number; home: string }> = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 6 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) continue;
    out.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! });
  }
  return out;
}

export function parseGroup(text: string): Array<{ name: string; gid: number; members: string[] }> {
  const out: Array<{ name: string; gid: number; members: string[] }> = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !/^\d+$/.test(f[2]!)) continue;
    out.push({ name: f[0]!, gid: Number(f[2]), members: f[3]!.split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const a = line.slice(0, sep).split(' ');
    const b = line.slice(sep + 3).split(' ');
    if (a.length < 6 || b.length < 2) continue;
    out.push({ majMin: a[2], root: unescapeMount(a[3]!), mountPoint: unescapeMount(a[4]!), options: a[5]!, fsType: b[0]!, device: unescapeMount(b[1]!) });
  }
  return out;
}

/** /proc/mounts or /etc/fstab lines: device mountpoint fstype options. */
export function parseFstab(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const f = t.split(/\s+/);
    if (f.length < 3) continue;
    out.push({ device: unescapeMount(f[0]!), mountPoint: unescapeMount(f[1]!), fsType: f[2]!, options: f[3] ?? '' });
  }
  return out;
}

export function parseOsRelease(text: string): OsRelease {
  const kv = parseEnvFile(text);
  return {
    id: kv.ID,
    versionId: kv.VERSION_ID,
    codename: kv.VERSION_CODENAME,
    idLike: kv.ID_LIKE ? kv.ID_LIKE.split(/\s+/) : undefined,
  };
}

const DISTRO_RE = /(\+deb\d|~deb\d|ubuntu|\.el\d|\.fc\d|\.amzn|[~+]ds\d|\+dfsg|-\d+$)/;

/** Engine/containerd/runc versions from GET /version's Components (Debian puts its package version in GitCommit). */
export function componentsFromVersion(v: Record<string, any> | undefined): ComponentVersions {
  const out: ComponentVersions = {};
  if (!v) return out;
  const comps = (v.Components as Array<{ Name: string; Version: string; Details?: Record<string, string> }> | undefined) ?? [];
  const pick = (name: string) => comps.find((c) => c.Name.toLowerCase() === name);
  const mk = (c: { Version: string; Details?: Record<string, string> } | undefined, label: string) => {
    if (!c?.Version) return undefined;
    const git = c.Details?.GitCommit ?? '';
    const distroVersion = DISTRO_RE.test(git) && /^\d/.test(git) ? git : DISTRO_RE.test(c.Version) ? c.Version : undefined;
    return { version: c.Version.replace(/^v/, ''), source: `GET /version Components[${label}]`, ...(distroVersion ? { distroVersion } : {}) };
  };
  const e = mk(pick('engine') ?? (v.Version ? { Version: v.Version as string } : undefined), 'Engine');
  if (e) out.engine = e;
  const c = mk(pick('containerd'), 'containerd');
  if (c) out.containerd = c;
  const r = mk(pick('runc'), 'runc');
  if (r) out.runc = r;
  return out;
}

/** Offline: package versions from the dpkg database of the snapshot. */
export function componentsFromDpkg(status: string): ComponentVersions {
  const out: ComponentVersions = {};
  for (const para of status.split(/\n\s*\n/)) {
    const pkg = /^Package:\s*(\S+)/m.exec(para)?.[1];
    const ver = /^Version:\s*(\S+)/m.exec(para)?.[1];
    const st = /^Status:\s*(.+)$/m.exec(para)?.[1] ?? '';
    if (!pkg || !ver || !st.includes('installed') || st.includes('not-installed')) continue;
    const upstream = ver.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[~+](ds|dfsg)\d*$/, '');
    const entry = { version: upstream, source: `/var/lib/dpkg/status package ${pkg}`, distroVersion: ver };
    if (pkg === 'runc') out.runc = entry;
    else if (pkg === 'containerd' || pkg === 'containerd.io') out.containerd = entry;
    else if (pkg === 'docker.io' || pkg === 'docker-ce') out.engine = entry;
  }
  return out;
}

const MAX_CONFINEMENT = 500;

/** AppArmor profile, security options and SELinux label of every running container (one inspect each). */
async function containerConfinement(client: EngineClient, list: Array<Record<string, any>> | undefined): Promise<ContainerConfinement[]> {
  const out: ContainerConfinement[] = [];
  for (const c of (list ?? []).filter((x) => x.State === 'running').slice(0, MAX_CONFINEMENT)) {
    try {
      const i = await client.json<Record<string, any>>(`/containers/${encodeURIComponent(String(c.Id))}/json`);
      out.push({
        name: String(i.Name ?? c.Id).replace(/^\//, ''),
        appArmorProfile: typeof i.AppArmorProfile === 'string' ? i.AppArmorProfile : '',
        securityOpt: Array.isArray(i.HostConfig?.SecurityOpt) ? i.HostConfig.SecurityOpt.map(String) : [],
        privileged: i.HostConfig?.Privileged === true,
        processLabel: typeof i.ProcessLabel === 'string' ? i.ProcessLabel : '',
      });
    } catch {
      // removed between list and inspect
    }
  }
  return out;
}
