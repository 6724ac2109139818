/**
 * What hardening changes, decided once on the normalised container model and written by each front end's
 * writer (compose YAML, `docker run` argv, Kubernetes manifests).
 *
 * By default every escape path goes: privileged, the escape capabilities, runtime sockets, writable
 * mounts of host system paths, host PID/IPC/network (and UTS, user, cgroup) namespaces, unconfined
 * seccomp/AppArmor/SELinux/systempaths, writable block devices and kernel-wide sysctls. The remaining
 * host mounts become read-only; a non-root user, no-new-privileges, `cap_drop: ALL` (with only what the
 * ports need added back), limits and a read-only root filesystem with size-limited tmpfs are added.
 * `--keep SETTING` leaves one of these on purpose; the reason is carried into the output.
 * Each change names the rule IDs it resolves.
 */
import { InputError } from '../core/errors.js';
import { DEFAULT_CAPS, isAllInterfaces, normCap, type ContainerSpec, type MountSpec } from '../runtime/model.js';
import { bindSource, isSocket, normHostPath, sensitiveDir } from '../analyzers/runtime/hostpaths.js';
import { SAFE_SYSCTLS } from '../analyzers/runtime/rules/unsafe-sysctl.js';
import { isRootUser } from '../analyzers/runtime/rules/root-user.js';
import { isPublic, seccompProfileFor, type HardenSettings } from './config.js';

/** Capabilities that are escape routes (or equivalent): removed unless kept. */
export const ESCAPE_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYS_BOOT', 'PERFMON']);

/** Host paths whose writable mount is an escape path (issue list plus what the escape rule treats the same way). */
export const ESCAPE_MOUNT_DIRS = ['/', '/etc', '/root', '/run', '/var/run', '/var/lib/docker', '/var/lib/containerd', '/var/lib/kubelet', '/proc', '/sys', '/dev', '/boot', '/lib/modules', '/lib', '/lib64', '/usr', '/bin', '/sbin'];

const BLOCKISH = /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|loop|dm-|md|mem|kmem|port|mapper)/;

/** The uid:gid used when neither the spec nor the image names a non-root user (above 10000: no clash with host accounts). */
export const DEFAULT_UID = '10001';

export type Op =
  | { op: 'unset-privileged' }
  | { op: 'remove-cap'; cap: string }
  | { op: 'drop-all-caps'; addBack: string[] }
  | { op: 'remove-mount'; index: number }
  | { op: 'mount-read-only'; index: number }
  | { op: 'remove-namespace'; field: 'networkMode' | 'pidMode' | 'ipcMode' | 'utsMode' | 'usernsMode' | 'cgroupnsMode' }
  | { op: 'remove-security-opt'; kind: 'seccomp' | 'apparmor' | 'label' | 'systempaths' }
  | { op: 'default-seccomp' }
  | { op: 'seccomp-profile'; path: string }
  | { op: 'set-user'; user: string; group?: string; runAsNonRoot?: boolean }
  | { op: 'no-new-privileges' }
  | { op: 'read-only-rootfs' }
  | { op: 'tmpfs'; targets: string[]; size: string }
  | { op: 'limit'; what: 'memory' | 'cpus' | 'pids'; value: string }
  | { op: 'bind-port'; index: number; address: string }
  | { op: 'remove-port'; index: number }
  | { op: 'remove-publish-all' }
  | { op: 'remove-device'; index: number }
  | { op: 'remove-sysctl'; name: string }
  | { op: 'add-sysctl'; name: string; value: string }
  | { op: 'env-off-command-line'; name: string }
  | { op: 'no-service-account-token' };

export interface Change {
  /** the --keep name that would leave this one alone */
  setting: string;
  /** what changes, in words */
  text: string;
  /** why, in a few words (comments in written files) */
  why?: string;
  /** rule IDs this change resolves (those that fired before are reported) */
  rules: string[];
  op: Op;
}

export interface Kept {
  setting: string;
  /** what was left in place */
  text: string;
  reason: string;
  /** rule IDs that stay open because of it */
  rules: string[];
}

export interface Plan {
  changes: Change[];
  kept: Kept[];
  /** things the writer should say but cannot change (e.g. a value inherited from elsewhere) */
  notes: string[];
}

// ---------------------------------------------------------------- --keep

export interface KeepEntry {
  /** service / container the entry is limited to */
  scope?: string;
  /** normalised setting */
  setting: string;
  reason?: string;
  /** as the user wrote it, without the reason */
  raw: string;
}

const NAMED = new Set(['privileged', 'seccomp-profile', 'docker-socket', 'pid', 'ipc', 'network', 'uts', 'userns', 'cgroupns', 'seccomp', 'apparmor', 'selinux', 'systempaths', 'user', 'read-only', 'ports', 'devices', 'sysctls', 'service-account-token', 'env', 'limits', 'cap-drop', 'no-new-privileges']);

/** `--keep SETTING[=REASON][,...]`, repeatable; SETTING may be scoped `SERVICE:SETTING`. */
export function parseKeep(values: string[]): KeepEntry[] {
  const out: KeepEntry[] = [];
  for (const v of values) {
    for (const part of v.split(',')) {
      const raw = part.trim();
      if (!raw) continue;
      const eq = raw.indexOf('=');
      let name = eq >= 0 ? raw.slice(0, eq).trim() : raw;
      const reason = eq >= 0 ? raw.slice(eq + 1).trim() || undefined : undefined;
      let scope: string | undefined;
      const colon = name.indexOf(':');
      if (colon > 0 && !name.startsWith('/') && !/^cap:/i.test(name)) {
        scope = name.slice(0, colon);
        name = name.slice(colon + 1);
      }
      const setting = normaliseKeep(name);
      if (!setting) {
        throw new InputError(
          `--keep ${raw}: unknown setting '${name}' (use a capability such as SYS_ADMIN, a host or container path such as /var/run/docker.sock, or one of: ${[...NAMED].join(', ')})`,
        );
      }
      out.push({ scope, setting, reason, raw: eq >= 0 ? raw.slice(0, eq).trim() : raw });
    }
  }
  return out;
}

function normaliseKeep(name: string): string | undefined {
  const n = name.trim();
  if (n.startsWith('/')) return `path:${normHostPath(n)}`;
  const lower = n.toLowerCase();
  const alias: Record<string, string> = { 'host-network': 'network', net: 'network', 'host-pid': 'pid', 'host-ipc': 'ipc', socket: 'docker-socket', 'runtime-socket': 'docker-socket', root: 'user', 'writable-rootfs': 'read-only', label: 'selinux', 'host-port': 'ports', 'automount-service-account-token': 'service-account-token', 'no-new-privs': 'no-new-privileges' };
  if (NAMED.has(lower)) return lower;
  if (alias[lower]) return alias[lower];
  const cap = normCap(n.replace(/^cap:/i, ''));
  if (/^[A-Z_]+$/.test(cap) && (ESCAPE_CAPS.has(cap) || DEFAULT_CAPS.includes(cap) || /^(SYS|NET|DAC|MAC|AUDIT|IPC|LINUX|WAKE|BLOCK|CHECKPOINT|SET|FOWNER|FSETID|KILL|LEASE|MKNOD|CHOWN|SYSLOG|BPF|PERFMON)/.test(cap))) return `cap:${cap}`;
  return undefined;
}

// ---------------------------------------------------------------- planning

export interface PlanInput {
  spec: ContainerSpec;
  settings: HardenSettings;
  keep: KeepEntry[];
  /** the image's configured user, when it could be looked up ('' = root / none) */
  imageUser?: string;
  /** the syntax being written: some changes exist in one only */
  syntax: 'compose' | 'run' | 'k8s';
}

const who = (spec: ContainerSpec) => spec.service ?? spec.workload?.container ?? spec.container ?? spec.name;

/** Decide every change for one container. */
export function planHardening(input: PlanInput): Plan {
  const { spec, settings, syntax } = input;
  const name = who(spec);
  const changes: Change[] = [];
  const kept: Kept[] = [];
  const notes: string[] = [];
  const keepOf = (setting: string, alt: string[] = []): KeepEntry | undefined =>
    input.keep.find((k) => (!k.scope || k.scope === name) && (k.setting === setting || alt.includes(k.setting)));
  const change = (setting: string, text: string, rules: string[], op: Op, altKeys: string[] = [], why?: string): boolean => {
    const k = keepOf(setting, altKeys);
    if (k) {
      kept.push({ setting: k.raw, text, reason: k.reason ?? 'no reason given', rules });
      return false;
    }
    changes.push({ setting, text, rules, op, ...(why ? { why } : {}) });
    return true;
  };

  // --- escape paths
  if (spec.privileged) change('privileged', 'removed privileged', ['BW-RUNTIME-001', 'BW-ESCAPE-001'], { op: 'unset-privileged' }, [], 'all capabilities, all devices, no confinement: grant the capability or device the service needs instead');
  const removedCaps = new Set<string>();
  for (const cap of new Set(spec.capAdd)) {
    if (!ESCAPE_CAPS.has(cap)) continue;
    const rules = ['BW-RUNTIME-002', ...(cap === 'SYS_ADMIN' ? ['BW-ESCAPE-002'] : []), ...(cap === 'SYS_PTRACE' ? ['BW-ESCAPE-004'] : [])];
    if (change(`cap:${cap}`, `removed capability ${cap}`, rules, { op: 'remove-cap', cap }, [], 'an escape route')) removedCaps.add(cap);
  }
  const removedMounts = new Set<number>();
  spec.mounts.forEach((m, i) => {
    const src = bindSource(m);
    if (!src) return;
    const byPath = [`path:${src}`, `path:${normHostPath(m.target)}`];
    if (isSocket(src)) {
      if (change('docker-socket', `removed the runtime socket mount ${src} -> ${m.target}`, ['BW-RUNTIME-010', 'BW-ESCAPE-003'], { op: 'remove-mount', index: i }, byPath, 'its API starts privileged containers')) removedMounts.add(i);
      return;
    }
    if (!m.readOnly && escapeDir(src)) {
      const rules = ['BW-RUNTIME-009', 'BW-ESCAPE-005', ...(spec.capAdd.includes('SYS_ADMIN') ? ['BW-ESCAPE-002'] : [])];
      if (change(`path:${src}`, `removed the writable mount of host ${src} -> ${m.target}`, rules, { op: 'remove-mount', index: i }, byPath.slice(1), 'root in the container could rewrite what the host runs')) removedMounts.add(i);
    }
  });
  const nsRules: Record<string, [string, string, string[]]> = {
    networkMode: ['network', 'host network namespace', ['BW-RUNTIME-004']],
    pidMode: ['pid', 'host PID namespace', ['BW-RUNTIME-005', 'BW-ESCAPE-004']],
    ipcMode: ['ipc', 'host IPC namespace', ['BW-RUNTIME-006']],
    utsMode: ['uts', 'host UTS namespace', ['BW-RUNTIME-007']],
    usernsMode: ['userns', 'host user namespace', ['BW-RUNTIME-008']],
    cgroupnsMode: ['cgroupns', 'host cgroup namespace', ['BW-RUNTIME-031']],
  };
  let hostNet = spec.networkMode === 'host';
  for (const [field, [setting, text, rules]] of Object.entries(nsRules)) {
    if ((spec as unknown as Record<string, unknown>)[field] !== 'host') continue;
    if (field === 'cgroupnsMode' && syntax === 'k8s') continue;
    const done = change(setting, `removed the ${text}`, rules, { op: 'remove-namespace', field: field as 'networkMode' }, [], field === 'networkMode' ? 'publish the ports the service serves instead' : 'check the service works in its own namespace');
    if (done && field === 'networkMode') hostNet = false;
  }
  const so = spec.securityOpt;
  // --seccomp-profile (run and compose): the given profile replaces whatever seccomp= the container had
  const profile = syntax === 'k8s' ? undefined : seccompProfileFor(settings, name);
  if (profile === undefined && so.seccomp === 'unconfined' && !so.seccompImplicit) change('seccomp', 'removed seccomp=unconfined (the default profile applies again)', ['BW-RUNTIME-018'], { op: 'remove-security-opt', kind: 'seccomp' });
  if (syntax === 'k8s' && (so.seccomp === undefined || so.seccomp === 'unconfined')) {
    change('seccomp', 'seccompProfile RuntimeDefault', ['BW-RUNTIME-018'], { op: 'default-seccomp' });
  }
  if (so.apparmor === 'unconfined') change('apparmor', 'removed apparmor=unconfined', ['BW-RUNTIME-019'], { op: 'remove-security-opt', kind: 'apparmor' });
  if (so.labels.some((l) => l === 'disable' || l === 'disable:true')) change('selinux', 'removed label=disable (SELinux confinement)', ['BW-RUNTIME-030'], { op: 'remove-security-opt', kind: 'label' });
  if (so.systemPaths === 'unconfined') change('systempaths', 'removed systempaths=unconfined (/proc and /sys masks)', ['BW-RUNTIME-032'], { op: 'remove-security-opt', kind: 'systempaths' });
  spec.devices.forEach((d, i) => {
    if (BLOCKISH.test(d.host) && /[wm]/.test(d.permissions || 'rwm') && !spec.privileged) {
      change('devices', `removed the writable host device ${d.host}`, ['BW-RUNTIME-012'], { op: 'remove-device', index: i }, [`path:${normHostPath(d.host)}`], 'the host disk or memory');
    }
  });
  for (const [k] of Object.entries(spec.sysctls)) {
    const highRisk = k.startsWith('kernel.') && !SAFE_SYSCTLS.has(k);
    const hostNetSysctl = hostNet && k.startsWith('net.');
    if (highRisk || hostNetSysctl) change('sysctls', `removed sysctl ${k}`, ['BW-RUNTIME-027'], { op: 'remove-sysctl', name: k }, [], 'it changes the host kernel');
  }

  // --- remaining host mounts read-only
  spec.mounts.forEach((m, i) => {
    if (removedMounts.has(i) || m.readOnly || m.type !== 'bind' || m.unmounted) return;
    const src = bindSource(m) ?? m.source ?? '';
    if (src && isSocket(src)) return; // kept socket: read-only does not make it safe and may break it
    const byPath = [`path:${normHostPath(src)}`, `path:${normHostPath(m.target)}`];
    const sensitive = src ? sensitiveDir(normHostPath(src)) : undefined;
    change(byPath[0]!, `host mount ${src} -> ${m.target} made read-only`, sensitive ? ['BW-RUNTIME-009', 'BW-ESCAPE-005'] : [], { op: 'mount-read-only', index: i }, byPath.slice(1));
  });

  // --- least privilege
  const eff = spec.user !== undefined && spec.user !== '' ? spec.user : spec.imageUser;
  const rootNow = syntax === 'k8s' ? !(spec.runAsNonRoot === true && !(spec.user === '0')) && isRootUser(spec.user) : isRootUser(eff);
  if (rootNow) {
    const fromImage = input.imageUser !== undefined && input.imageUser !== '' && !isRootUser(input.imageUser) ? input.imageUser : undefined;
    let user: string;
    let group: string | undefined;
    if (fromImage && (syntax !== 'k8s' || /^\d+(:\d+)?$/.test(fromImage))) {
      const [u, g] = fromImage.split(':');
      user = syntax === 'k8s' ? u! : fromImage;
      group = syntax === 'k8s' ? g : undefined;
    } else {
      user = syntax === 'k8s' ? DEFAULT_UID : `${DEFAULT_UID}:${DEFAULT_UID}`;
      group = syntax === 'k8s' ? DEFAULT_UID : undefined;
    }
    const why = fromImage ? `the image's USER` : input.imageUser !== undefined ? `the image has no non-root USER` : `the image was not available to check its USER`;
    change('user', `runs as non-root user ${user}${group ? `:${group}` : ''}`, ['BW-RUNTIME-020'], { op: 'set-user', user, group, runAsNonRoot: syntax === 'k8s' ? true : undefined }, [], why);
  }
  if (!so.noNewPrivileges) change('no-new-privileges', syntax === 'k8s' ? 'allowPrivilegeEscalation: false' : 'no-new-privileges', ['BW-RUNTIME-017'], { op: 'no-new-privileges' });
  if (profile !== undefined && so.seccomp !== profile) {
    change('seccomp-profile', `seccomp=${profile}${so.seccomp !== undefined ? ` (replaces seccomp=${so.seccomp})` : ''}`, so.seccomp === 'unconfined' ? ['BW-RUNTIME-018'] : [], { op: 'seccomp-profile', path: profile });
  }
  // a port below 1024: a root process needs NET_BIND_SERVICE back; a non-root one needs the namespaced
  // sysctl that lowers the privileged port range (capabilities of a non-root process are empty anyway)
  const lowPort = lowestContainerPort(spec);
  const staysRoot = rootNow && changes.every((c) => c.op.op !== 'set-user');
  if (!spec.capDrop.includes('ALL') && !(spec.privileged && keepOf('privileged'))) {
    const addBack: string[] = [];
    if (lowPort !== undefined && lowPort < 1024 && staysRoot && !spec.capAdd.includes('NET_BIND_SERVICE')) addBack.push('NET_BIND_SERVICE');
    change('cap-drop', `drop every capability${addBack.length ? `, add back ${addBack.join(', ')} (port ${lowPort} is below 1024)` : ''}`, ['BW-RUNTIME-003'], { op: 'drop-all-caps', addBack });
  }
  if (lowPort !== undefined && lowPort < 1024 && !staysRoot && !hostNet && spec.sysctls['net.ipv4.ip_unprivileged_port_start'] === undefined && syntax !== 'k8s') {
    changes.push({
      setting: 'user',
      text: `sysctl net.ipv4.ip_unprivileged_port_start=${lowPort} (the non-root user can bind port ${lowPort}; namespaced, this container only)`,
      rules: [],
      op: { op: 'add-sysctl', name: 'net.ipv4.ip_unprivileged_port_start', value: String(lowPort) },
    });
  }
  const keptCaps = spec.capAdd.filter((c) => !removedCaps.has(c) && !ESCAPE_CAPS.has(c) && !DEFAULT_CAPS.includes(c));
  for (const c of new Set(keptCaps)) notes.push(`kept capability ${c}: explicitly requested; check it is really needed`);
  if (!spec.readOnlyRootfs) {
    if (change('read-only', 'read-only root filesystem', ['BW-RUNTIME-016'], { op: 'read-only-rootfs' })) {
      const have = new Set([...spec.tmpfs.map((t) => normHostPath(t.target)), ...spec.mounts.map((m) => normHostPath(m.target))]);
      const targets = ['/tmp', '/run'].filter((t) => !have.has(t) && (syntax !== 'k8s' || t === '/tmp'));
      if (targets.length) changes.push({ setting: 'read-only', text: `tmpfs ${targets.join(', ')} (noexec, nosuid, size ${settings.tmpfsSize})`, rules: [], op: { op: 'tmpfs', targets, size: settings.tmpfsSize } });
    }
  }
  const limitKept = keepOf('limits');
  if (!limitKept) {
    if (spec.memory === undefined || spec.memory <= 0) changes.push({ setting: 'limits', text: `memory limit ${settings.memory}`, rules: ['BW-RUNTIME-013'], op: { op: 'limit', what: 'memory', value: settings.memory } });
    if (spec.cpus === undefined && spec.cpuQuota === undefined && (syntax === 'k8s' || spec.cpuShares === undefined)) changes.push({ setting: 'limits', text: `CPU limit ${settings.cpus}`, rules: ['BW-RUNTIME-014'], op: { op: 'limit', what: 'cpus', value: settings.cpus } });
    if (syntax !== 'k8s' && !(spec.pidsLimit !== undefined && spec.pidsLimit > 0)) changes.push({ setting: 'limits', text: `PIDs limit ${settings.pids}`, rules: ['BW-RUNTIME-015'], op: { op: 'limit', what: 'pids', value: String(settings.pids) } });
  }
  // --- network exposure
  spec.ports.forEach((p, i) => {
    if (syntax === 'k8s') {
      change('ports', `removed hostPort ${p.hostPort} (expose the pod through a Service)`, ['BW-RUNTIME-021', 'BW-RUNTIME-022'], { op: 'remove-port', index: i });
      return;
    }
    if (!isAllInterfaces(p.hostIp) || hostNet) return;
    if (isPublic(settings, name, [p.hostPort, p.containerPort])) return;
    change('ports', `port ${p.hostPort ?? '(random)'}:${p.containerPort} bound to ${settings.bindAddress}`, ['BW-RUNTIME-021'], { op: 'bind-port', index: i, address: settings.bindAddress });
  });
  if (spec.publishAll) change('ports', 'removed --publish-all (publish the needed ports, bound to an address)', ['BW-RUNTIME-021'], { op: 'remove-publish-all' });
  if (syntax === 'k8s' && spec.serviceAccountToken !== false) {
    change('service-account-token', 'automountServiceAccountToken: false (mount the token only where the pod calls the API)', ['BW-RUNTIME-034'], { op: 'no-service-account-token' });
  }
  if (syntax === 'run') {
    for (const e of spec.env) {
      if (e.from !== 'flag' || e.value === undefined || !secretName(e.name)) continue;
      change('env', `${e.name}: value taken off the command line (export ${e.name} before running; better, a secret file)`, ['BW-RUNTIME-026'], { op: 'env-off-command-line', name: e.name });
    }
  }
  return { changes, kept, notes };
}

function escapeDir(src: string): boolean {
  const p = normHostPath(src);
  return ESCAPE_MOUNT_DIRS.some((d) => (d === '/' ? p === '/' : p === d || p.startsWith(d + '/')));
}

/** The lowest container port the container is published or declared on. */
function lowestContainerPort(spec: ContainerSpec): number | undefined {
  let low: number | undefined;
  for (const p of spec.ports) {
    const n = Number(p.containerPort.split('-')[0]);
    if (Number.isFinite(n) && n > 0 && (low === undefined || n < low)) low = n;
  }
  for (const n of spec.containerPorts ?? []) if (n > 0 && (low === undefined || n < low)) low = n;
  return low;
}

const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRET_KEY|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|CREDENTIALS?|CLIENT_SECRET)($|_)/i;
function secretName(n: string): boolean {
  return SECRET_NAME.test(n) && !/_FILE$|_PATH$|_DIR$/i.test(n) && !/^(PWD|OLDPWD)$/.test(n);
}

/** The mounts a plan removes (for writers that rebuild lists). */
export function removedMountIndexes(plan: Plan): Set<number> {
  return new Set(plan.changes.flatMap((c) => (c.op.op === 'remove-mount' ? [c.op.index] : [])));
}

export type { MountSpec };
