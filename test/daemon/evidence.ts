/** A synthetic HostEvidence for rule tests: defaults describe a plain rootful daemon with nothing set. */
import type { FileFacts, HostEvidence } from '../../src/host/types.js';
import { resolveSettings } from '../../src/host/settings.js';

export interface EvidenceInit {
  argv?: string[];
  json?: Record<string, unknown>;
  info?: Record<string, unknown>;
  version?: Record<string, unknown>;
  images?: Array<Record<string, unknown>>;
  containers?: Array<Record<string, unknown>>;
  offline?: boolean;
  tcpListeners?: string[];
  patch?: (ev: HostEvidence) => void;
}

export function file(path: string, mode: number, uid = 0, gid = 0, extra: Partial<FileFacts> = {}): FileFacts {
  return { path, exists: true, type: 'file', mode, uid, gid, owner: uid === 0 ? 'root' : `u${uid}`, group: gid === 0 ? 'root' : gid === 999 ? 'docker' : `g${gid}`, ...extra };
}

export function missing(path: string): FileFacts {
  return { path, exists: false };
}

export function makeEvidence(init: EvidenceInit = {}): HostEvidence {
  const argv = init.argv ?? ['dockerd'];
  const offline = init.offline ?? false;
  const info = offline ? undefined : { SecurityOptions: ['name=seccomp,profile=default'], Driver: 'overlay2', LoggingDriver: 'json-file', LiveRestoreEnabled: false, RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {} }, Plugins: { Authorization: null }, ...(init.info ?? {}) };
  const ev: HostEvidence = {
    mode: offline ? 'offline' : 'live',
    root: offline ? '/snap' : '/',
    endpoint: 'unix:///var/run/docker.sock',
    rootless: false,
    daemonUser: { uid: 0, name: 'root', home: '/root', primaryGid: 0, subgids: [] },
    engine: offline
      ? { error: 'offline' }
      : { info, version: init.version ?? { Version: '27.3.1', Components: [] }, images: init.images ?? [], containers: init.containers ?? [] },
    daemon: offline ? undefined : { pid: 4242, argv, uid: 0, identifiedBy: 'test', tcpListeners: init.tcpListeners ?? [], unixListeners: ['/var/run/docker.sock'] },
    daemonArgs: argv,
    daemonArgsSource: '/proc/4242/cmdline',
    settingsKnown: true,
    settings: resolveSettings(argv, init.json, '27.3.1', '/etc/docker/daemon.json'),
    configFile: { path: '/etc/docker/daemon.json', facts: init.json ? file('/etc/docker/daemon.json', 0o644) : missing('/etc/docker/daemon.json'), json: init.json, source: 'default path' },
    units: {
      service: { name: 'docker.service', fragment: file('/lib/systemd/system/docker.service', 0o644), dropIns: [], execStart: [], environmentFiles: [], environment: {}, listenStream: [] },
      socket: { name: 'docker.socket', fragment: file('/lib/systemd/system/docker.socket', 0o644), dropIns: [], execStart: [], environmentFiles: [], environment: {}, listenStream: ['/run/docker.sock'] },
    },
    envFiles: { defaultDocker: file('/etc/default/docker', 0o644), sysconfigDocker: missing('/etc/sysconfig/docker'), content: {} },
    files: { '/etc/docker': { ...file('/etc/docker', 0o755), type: 'dir' }, '/var/lib/docker': { ...file('/var/lib/docker', 0o710), type: 'dir' } },
    dataRoot: { path: '/var/lib/docker', source: '/info DockerRootDir' },
    registryCerts: [],
    sockets: { docker: { ...file('/var/run/docker.sock', 0o660, 0, 999), type: 'socket', group: 'docker' }, containerd: [{ ...file('/run/containerd/containerd.sock', 0o660), type: 'socket' }] },
    groups: { dockerGroup: { gid: 999, members: [], primaryMembers: [] }, passwd: [{ name: 'root', uid: 0, gid: 0 }] },
    audit: { rules: [], loadedKnown: false, loaded: [] },
    mounts: [
      { device: '/dev/vda1', mountPoint: '/', fsType: 'ext4', options: 'rw', majMin: '254:1', root: '/' },
      { device: '/dev/vdb1', mountPoint: '/var/lib/docker', fsType: 'xfs', options: 'rw', majMin: '254:17', root: '/' },
    ],
    mountsSource: '/proc/4242/mountinfo',
    kernel: { release: '6.6.30', procVersion: 'Linux version 6.6.30 (builder@host) #1 SMP', source: '/proc/sys/kernel/osrelease' },
    components: { engine: { version: '27.3.1', source: 'test' }, runc: { version: '1.2.8', source: 'test' }, containerd: { version: '1.7.29', source: 'test' } },
    os: { id: 'debian', codename: 'bookworm' },
    binaries: {},
    warnings: [],
  };
  init.patch?.(ev);
  return ev;
}
