/**
 * The one normalised container model of the runtime stage. Four front ends fill it — `docker run`
 * arguments (src/runtime/runargs.ts), compose services (src/runtime/compose/), live or saved
 * `docker inspect` data (src/runtime/inspect.ts), Kubernetes manifests (src/runtime/k8s/) — through one
 * field table (src/runtime/fields.ts), and one rule set (src/analyzers/runtime/) reads it.
 *
 * Every field that a rule may report on has a source location in `at`, keyed by the model field name
 * (`privileged`, `capAdd`, `mounts.2`, `ports.0`, `env.FOO`, ...). `at['']` is the container/service itself,
 * used when a setting is missing (no memory limit, ...).
 */
import type { RuntimeLocation } from '../core/finding.js';
import type { AppArmorRef, SeccompRef } from '../profiles/types.js';

export type FrontEnd = 'run-args' | 'compose' | 'container' | 'k8s';

/** Where a setting was written: compose file position, `docker run` argument index, or inspect JSON path. */
export interface SourceRef {
  /** front-end-native name: `services.web.privileged`, `--privileged (arg 3)`, `HostConfig.Privileged` */
  field: string;
  file?: string;
  line?: number;
  column?: number;
  /** `docker run` argument index (0-based, in the args after `docker run`) */
  argIndex?: number;
}

export type MountType = 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';

export interface MountSpec {
  type: MountType;
  /** host path for binds, volume name for volumes (undefined for anonymous volumes and tmpfs) */
  source?: string;
  target: string;
  readOnly: boolean;
  /** private | rprivate | shared | rshared | slave | rslave */
  propagation?: string;
  /** SELinux relabel option: z or Z */
  selinux?: string;
  /** Kubernetes: the pod volume this mount comes from */
  volume?: string;
  /** Kubernetes: a hostPath volume of the pod that no container mounts (a debug container can still mount it) */
  unmounted?: boolean;
}

export interface DeviceSpec {
  host: string;
  container: string;
  permissions: string;
}

export interface PortSpec {
  /** '' or undefined = all interfaces */
  hostIp?: string;
  /** single port or range "8000-8010"; undefined = ephemeral */
  hostPort?: string;
  /** single port or range */
  containerPort: string;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export interface SecurityOpts {
  raw: string[];
  /** profile name or path; 'unconfined' disables seccomp; live containers: the profile JSON itself */
  seccomp?: string;
  apparmor?: string;
  /** the seccomp profile `seccomp` names, read and parsed by resolveProfiles (src/profiles/resolve.ts) */
  seccompProfile?: SeccompRef;
  /** the AppArmor profile `apparmor` names, when its text was found (src/profiles/resolve.ts) */
  apparmorProfile?: AppArmorRef;
  noNewPrivileges?: boolean;
  /** SELinux label options: `disable`, `user:...`, `type:...` */
  labels: string[];
  /** `systempaths=unconfined` (Kubernetes `procMount: Unmasked`): /proc and /sys paths left unmasked */
  systemPaths?: string;
  /** set when `seccomp` is 'unconfined' only because nothing asked for a profile (Kubernetes' default) */
  seccompImplicit?: boolean;
}

export interface UlimitSpec {
  name: string;
  soft: number;
  hard: number;
}

export type EnvOrigin =
  | 'flag'
  | 'env-file'
  | 'compose-environment'
  | 'compose-env_file'
  | 'container'
  | 'image'
  /** Kubernetes: a literal `value` */
  | 'k8s-value'
  /** Kubernetes: `valueFrom.secretKeyRef` (no value in the manifest) */
  | 'k8s-secret'
  /** Kubernetes: `valueFrom.configMapKeyRef` */
  | 'k8s-configmap'
  /** Kubernetes: `valueFrom.fieldRef` / `resourceFieldRef` */
  | 'k8s-field';

export interface EnvVar {
  name: string;
  value?: string;
  from: EnvOrigin;
  /** env file the variable came from */
  file?: string;
}

export interface RestartSpec {
  /** no | always | unless-stopped | on-failure */
  name: string;
  maxRetries?: number;
}

export interface HealthcheckSpec {
  /** ["CMD", ...] / ["CMD-SHELL", "..."] / ["NONE"] */
  test?: string[];
  disabled: boolean;
  interval?: string;
  timeout?: string;
  retries?: number;
  startPeriod?: string;
}

/** Kubernetes: which workload and which of its containers a spec is (kept explicit for correlation). */
export interface WorkloadRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** metadata.namespace, when the manifest sets it */
  namespace?: string;
  container: string;
  containerType: 'container' | 'initContainer' | 'ephemeralContainer';
  /** the manifest file and the 0-based YAML document in it */
  file: string;
  document: number;
  /** for items of a `List`: the item index */
  item?: number;
  /** the pod (template) labels, string values only: what a Service's selector matches */
  podLabels?: Record<string, string>;
}

/** One `docker exec` session of a live container, as the engine keeps it. */
export interface ExecSession {
  id: string;
  privileged: boolean;
  /** `--user` of the exec ('' = the container's user) */
  user: string;
  /** entrypoint and arguments */
  command: string;
  running: boolean;
}

export interface ContainerSpec {
  frontEnd: FrontEnd;
  /** container or service name (run args: --name or the image) */
  name: string;
  /** compose service name */
  service?: string;
  /** live container name or ID */
  container?: string;
  /** the first compose file (for reports) */
  file?: string;
  image?: string;
  /** compose `build:`: the service runs the image it builds (its `image` names the result, not a pull) */
  built?: boolean;
  /** Kubernetes: the workload and container this spec is */
  workload?: WorkloadRef;
  /** run-time user (--user, compose `user`, Config.User, Kubernetes runAsUser) */
  user?: string;
  /** Kubernetes runAsGroup (docker carries the group inside `user`, as `uid:gid`) */
  group?: string;
  /** Kubernetes runAsNonRoot: the kubelet refuses to start the container as UID 0 */
  runAsNonRoot?: boolean;
  /** the image's configured user, when known (engine or inspect) */
  imageUser?: string;
  /** true when imageUser was looked up (so an empty one really means root) */
  imageUserKnown?: boolean;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  /** network mode: default | bridge | host | none | container:X | NAME */
  networkMode?: string;
  networks: string[];
  pidMode?: string;
  ipcMode?: string;
  utsMode?: string;
  usernsMode?: string;
  cgroupnsMode?: string;
  mounts: MountSpec[];
  devices: DeviceSpec[];
  deviceCgroupRules: string[];
  ports: PortSpec[];
  /** ports the container says it listens on without publishing them (Kubernetes containerPort) */
  containerPorts?: number[];
  publishAll: boolean;
  securityOpt: SecurityOpts;
  /** bytes */
  memory?: number;
  memorySwap?: number;
  /** soft limit / scheduler request, bytes (--memory-reservation, mem_reservation, Kubernetes requests.memory) */
  memoryReservation?: number;
  /** scheduler CPU request (compose deploy.resources.reservations.cpus, Kubernetes requests.cpu) */
  cpuReservation?: number;
  /** number of CPUs (NanoCpus / 1e9) */
  cpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpusetCpus?: string;
  pidsLimit?: number;
  readOnlyRootfs: boolean;
  /** `docker run --disable-content-trust`: the image is pulled without signature verification */
  disableContentTrust?: boolean;
  tmpfs: Array<{ target: string; options: string }>;
  ulimits: UlimitSpec[];
  sysctls: Record<string, string>;
  env: EnvVar[];
  restart?: RestartSpec;
  healthcheck?: HealthcheckSpec;
  /** the image's HEALTHCHECK, when known */
  imageHealthcheck?: HealthcheckSpec;
  imageHealthcheckKnown?: boolean;
  cgroupParent?: string;
  /** image pull policy: always | missing | never | build (docker --pull, compose pull_policy, Kubernetes imagePullPolicy) */
  pullPolicy?: string;
  /** Kubernetes: the service account token is mounted (automountServiceAccountToken, or an explicit mount of its path) */
  serviceAccountToken?: boolean;
  /** live containers: created | running | exited | ... */
  state?: string;
  /** live and inspected containers: the engine's container ID */
  containerId?: string;
  /** live containers: the PID of the container's init on the host (inspect State.Pid) */
  pid?: number;
  /** live containers: `Seccomp:` of /proc/PID/status (0 none, 1 strict, 2 filter), read by resolveProfiles */
  seccompMode?: 0 | 1 | 2;
  /** live and inspected containers: the AppArmor profile the engine applied ('' when the host has no AppArmor) */
  appArmorProfile?: string;
  /** live and inspected containers: the ID of the image the container was created from (inspect `Image`) */
  imageId?: string;
  /** live containers: the image ID the container's image reference (`Config.Image`) names today, when it still names one */
  imageRefId?: string;
  /** live running containers: the command line of every process (GET /containers/{id}/top), host side, nothing run inside */
  processes?: string[];
  /** live containers: the exec sessions the engine still holds (inspect ExecIDs → GET /exec/{id}/json) */
  execs?: ExecSession[];
  /** source location per model field (see the file comment) */
  at: Record<string, SourceRef>;
}

export function emptySpec(frontEnd: FrontEnd, name: string): ContainerSpec {
  return {
    frontEnd,
    name,
    privileged: false,
    capAdd: [],
    capDrop: [],
    networks: [],
    mounts: [],
    devices: [],
    deviceCgroupRules: [],
    ports: [],
    publishAll: false,
    securityOpt: { raw: [], labels: [] },
    readOnlyRootfs: false,
    tmpfs: [],
    ulimits: [],
    sysctls: {},
    env: [],
    at: {},
  };
}

/** The RuntimeLocation a finding about `field` (e.g. `mounts.2`, else `mounts`, else the container) should carry. */
export function locate(spec: ContainerSpec, ...fields: string[]): RuntimeLocation {
  let ref: SourceRef | undefined;
  for (const f of fields) {
    ref = spec.at[f];
    if (ref) break;
    const base = f.split('.')[0]!;
    ref = spec.at[base];
    if (ref) break;
  }
  ref ??= spec.at[''];
  const loc: RuntimeLocation = { kind: 'runtime', field: ref?.field ?? fields[0] ?? '' };
  if (spec.service) loc.service = spec.service;
  else if (spec.container) loc.container = spec.container;
  else loc.container = spec.name;
  if (spec.workload) {
    loc.container = spec.workload.container;
    loc.workload = { kind: spec.workload.kind, name: spec.workload.name, ...(spec.workload.namespace ? { namespace: spec.workload.namespace } : {}) };
  }
  if (ref?.file) {
    loc.file = ref.file;
    if (ref.line) loc.line = ref.line;
    if (ref.column) loc.column = ref.column;
  } else if (spec.file) {
    loc.file = spec.file;
  }
  return loc;
}

/** Normalise a capability name: `cap_sys_admin` / `SYS_ADMIN` → `SYS_ADMIN`. */
export function normCap(c: string): string {
  const u = c.trim().toUpperCase();
  return u.startsWith('CAP_') ? u.slice(4) : u;
}

/** Parse one `--security-opt` / `security_opt` entry into `opts` (both `key=value` and legacy `key:value`). */
export function addSecurityOpt(opts: SecurityOpts, raw: string): void {
  opts.raw.push(raw);
  const s = raw.trim();
  if (s === 'no-new-privileges') {
    opts.noNewPrivileges = true;
    return;
  }
  const m = /^([a-z-]+)[=:](.*)$/s.exec(s);
  if (!m) return;
  const [, key, value] = m as unknown as [string, string, string];
  switch (key) {
    case 'seccomp':
      opts.seccomp = value;
      break;
    case 'apparmor':
      opts.apparmor = value;
      break;
    case 'no-new-privileges':
      opts.noNewPrivileges = !/^(false|0)$/i.test(value);
      break;
    case 'label':
      opts.labels.push(value);
      break;
    case 'systempaths':
      opts.systemPaths = value;
      break;
    default:
      break;
  }
}

/** Human byte size (docker's units: b k m g t, optional trailing b) → bytes; undefined when invalid. */
export function parseBytes(v: string | number): number | undefined {
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgtp]?)(i?b)?\s*$/i.exec(v);
  if (!m) return undefined;
  const mult: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
  return Math.round(Number(m[1]) * mult[m[2]!.toLowerCase()]!);
}

/** Docker's default capability set (moby oci/caps/defaults.go). */
export const DEFAULT_CAPS = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

/** Parse a ulimit value `nofile=1024:2048` / `1024`. */
export function parseUlimit(name: string, v: string | number | { soft?: unknown; hard?: unknown }): UlimitSpec | undefined {
  if (typeof v === 'number') return { name, soft: v, hard: v };
  if (typeof v === 'string') {
    const [s, h] = v.split(':');
    const soft = Number(s);
    const hard = h === undefined ? soft : Number(h);
    if (!Number.isFinite(soft) || !Number.isFinite(hard)) return undefined;
    return { name, soft, hard };
  }
  const soft = Number(v.soft);
  const hard = Number(v.hard ?? v.soft);
  if (!Number.isFinite(soft) || !Number.isFinite(hard)) return undefined;
  return { name, soft, hard };
}

/** Parse `-p`/compose short port syntax: [[IP:][HOSTPORT]:]CONTAINERPORT[/PROTO]. Returns undefined when invalid. */
export function parsePortString(s: string): PortSpec[] | undefined {
  let str = s.trim();
  let protocol: PortSpec['protocol'] = 'tcp';
  const slash = str.lastIndexOf('/');
  if (slash >= 0) {
    const p = str.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp' && p !== 'sctp') return undefined;
    protocol = p;
    str = str.slice(0, slash);
  }
  let hostIp: string | undefined;
  // IPv6 in brackets: [::1]:8080:80
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(str);
  if (v6) {
    hostIp = v6[1];
    str = v6[2]!;
  }
  const parts = str.split(':');
  let hostPort: string | undefined;
  let containerPort: string;
  if (hostIp !== undefined) {
    if (parts.length !== 2) return undefined;
    hostPort = parts[0] || undefined;
    containerPort = parts[1]!;
  } else if (parts.length === 1) {
    containerPort = parts[0]!;
  } else if (parts.length === 2) {
    hostPort = parts[0] || undefined;
    containerPort = parts[1]!;
  } else if (parts.length === 3) {
    hostIp = parts[0];
    hostPort = parts[1] || undefined;
    containerPort = parts[2]!;
  } else {
    // bare IPv6 address without brackets: take the last two parts as ports
    containerPort = parts.pop()!;
    hostPort = parts.pop() || undefined;
    hostIp = parts.join(':');
  }
  const range = /^\d+(-\d+)?$/;
  if (!range.test(containerPort)) return undefined;
  if (hostPort !== undefined && !range.test(hostPort)) return undefined;
  return [{ hostIp: hostIp || undefined, hostPort, containerPort, protocol }];
}

/** Does the host address bind every interface? */
export function isAllInterfaces(ip: string | undefined): boolean {
  return ip === undefined || ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '[::]';
}
