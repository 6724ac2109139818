import type { Resolution } from './settings.js';

/**
 * Everything the daemon and host audit looks at, collected once (live or from a `--root` snapshot)
 * into one typed object. Checks are pure functions of this object.
 */

/** Where a value was read: a human label such as "dockerd flag", "daemon.json", "/info", "default". */
export type SettingSource = 'flag' | 'daemon.json' | 'default' | 'info' | 'unset';

export interface FileFacts {
  /** the path as the host sees it (not prefixed with --root) */
  path: string;
  exists: boolean;
  /** the path after resolving symlinks (host view), when different */
  realPath?: string;
  /** true when `path` itself is a symlink */
  symlink?: boolean;
  type?: 'file' | 'dir' | 'socket' | 'symlink' | 'other';
  uid?: number;
  gid?: number;
  /** permission bits incl. setuid/setgid/sticky (mode & 0o7777) */
  mode?: number;
  owner?: string;
  group?: string;
  /** set when the path could not be examined (EACCES, a loop, ...) */
  error?: string;
}

export interface DaemonProcess {
  pid: number;
  /** argv of the process, argv[0] included */
  argv: string[];
  exe?: string;
  uid?: number;
  /** how the PID was found */
  identifiedBy: string;
  /** the systemd service whose cgroup holds the process (from /proc/<pid>/cgroup), if any */
  systemdUnit?: string;
  /** TCP listeners owned by this process: "127.0.0.1:2375" */
  tcpListeners: string[];
  /** unix sockets it listens on */
  unixListeners: string[];
}

export interface SystemdUnit {
  name: string;
  /** the fragment file (host path), when found */
  fragment?: FileFacts;
  /** masked (symlink to /dev/null) */
  masked?: boolean;
  dropIns: FileFacts[];
  /** ExecStart lines after applying drop-ins (last reset wins) */
  execStart: string[];
  environmentFiles: string[];
  environment: Record<string, string>;
  /** ListenStream lines (socket units) */
  listenStream: string[];
}

export interface AuditRuleSet {
  /** rule lines, with the file they come from ("auditctl -l" for the loaded set) */
  rules: Array<{ text: string; source: string }>;
  /** true when `auditctl -l` ran; `loaded` then holds the kernel's rules */
  loadedKnown: boolean;
  loaded: string[];
  note?: string;
}

export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string;
  /** major:minor from mountinfo, when known */
  majMin?: string;
  /** root of the mount inside its filesystem (mountinfo field 4): "/" unless a bind mount */
  root?: string;
}

export interface EngineFacts {
  info?: Record<string, any>;
  version?: Record<string, any>;
  images?: Array<Record<string, any>>;
  containers?: Array<Record<string, any>>;
  /** GET /networks (all networks, for overlay encryption) */
  networks?: Array<Record<string, any>>;
  /** GET /networks/bridge (absent with --bridge=none) */
  bridge?: Record<string, any>;
  /** how each running container is confined (from its inspect; at most 500 containers) */
  confinement?: ContainerConfinement[];
  /** why the engine could not be queried */
  error?: string;
}

export interface ContainerConfinement {
  name: string;
  /** inspect AppArmorProfile: '' when the engine applied none (no AppArmor on the host) */
  appArmorProfile: string;
  /** HostConfig.SecurityOpt (seccomp=..., label=..., apparmor=...) */
  securityOpt: string[];
  privileged: boolean;
  /** inspect ProcessLabel (SELinux), '' when none */
  processLabel: string;
}

export interface ComponentVersions {
  engine?: { version: string; source: string; distroVersion?: string };
  containerd?: { version: string; source: string; distroVersion?: string };
  runc?: { version: string; source: string; distroVersion?: string };
}

export interface KernelFacts {
  release?: string;
  /** full /proc/version text (carries distro package versions, e.g. "Debian 6.1.76-1") */
  procVersion?: string;
  source: string;
  /** offline: kernels installed under /lib/modules (the running one is unknown) */
  installed?: string[];
}

export interface OsRelease {
  id?: string;
  versionId?: string;
  codename?: string;
  idLike?: string[];
}

export interface HostEvidence {
  mode: 'live' | 'offline';
  /** --root DIR for offline audits */
  root: string;
  /** the endpoint under audit (unix:///... or tcp://...) */
  endpoint: string;
  rootless: boolean;
  /** the daemon's user: home (rootless config lives there), runtime dir, subordinate gid ranges */
  daemonUser: { uid: number; name?: string; home: string; runtimeDir?: string; primaryGid?: number; subgids: Array<{ start: number; count: number }> };
  engine: EngineFacts;
  /** live audits: the docker client variables of the auditing process's environment (unset offline: unknown) */
  clientEnv?: { DOCKER_CONTENT_TRUST?: string };
  daemon?: DaemonProcess;
  /** the dockerd argv actually used for settings (from the process, or the unit's ExecStart offline) */
  daemonArgs: string[];
  daemonArgsSource: string;
  /** false when neither the process nor a unit serving this endpoint was found: daemon settings are unknown */
  settingsKnown: boolean;
  /** every known dockerd setting with its value and where it came from */
  settings: Resolution;
  configFile: { path: string; facts: FileFacts; json?: Record<string, unknown>; parseError?: string; source: string };
  units: { service: SystemdUnit; socket: SystemdUnit; containerd?: SystemdUnit };
  envFiles: { defaultDocker: FileFacts; sysconfigDocker: FileFacts; content: Record<string, string> };
  files: Record<string, FileFacts>;
  /** Docker's data root (info.DockerRootDir live; data-root setting offline) */
  dataRoot: { path: string; source: string };
  /** registry certificate files under /etc/docker/certs.d (and the rootless equivalent) */
  registryCerts: FileFacts[];
  sockets: { docker: FileFacts; containerd: FileFacts[] };
  groups: { dockerGroup?: { gid: number; members: string[]; primaryMembers: string[] }; passwd: Array<{ name: string; uid: number; gid: number }> };
  audit: AuditRuleSet;
  mounts: MountEntry[];
  mountsSource: string;
  kernel: KernelFacts;
  components: ComponentVersions;
  os: OsRelease;
  /** dockerd's `seccomp-profile` file, when the setting names one (read through --root offline) */
  daemonSeccompProfile?: { path: string; text?: string; error?: string };
  /** paths of Docker binaries found on the host (for audit rules) */
  binaries: Record<string, FileFacts>;
  warnings: string[];
}
