/** Host paths whose mount gives a container power over the host, and runtime sockets. */
import type { MountSpec } from '../../runtime/model.js';

/** Container runtime API sockets: whoever reaches one can start a privileged container. */
export const RUNTIME_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd/containerd.sock',
  '/var/run/containerd/containerd.sock',
  '/run/crio/crio.sock',
  '/var/run/crio/crio.sock',
  '/run/podman/podman.sock',
  '/var/run/podman/podman.sock',
  '/run/buildkit/buildkitd.sock',
  '/var/run/cri-dockerd.sock',
  '/run/k3s/containerd/containerd.sock',
];

/** Sensitive host directories (CIS 5.6's list plus the ones Docker Bench misses). */
export const SENSITIVE_DIRS = [
  '/',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib64',
  '/proc',
  '/sys',
  '/usr',
  '/bin',
  '/sbin',
  '/root',
  '/home',
  '/run',
  '/var/run',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/kubelet',
  '/var/log',
];

/** Paths under which a writable mount lets the container change what the host executes or trusts. */
export const SYSTEM_DIRS = ['/', '/boot', '/etc', '/lib', '/lib64', '/usr', '/bin', '/sbin', '/root', '/var/lib/docker', '/var/lib/containerd', '/sys', '/proc', '/dev'];

export function normHostPath(p: string): string {
  let s = p.replace(/\/+/g, '/');
  if (s.length > 1) s = s.replace(/\/$/, '');
  // resolve . and .. segments
  const out: string[] = [];
  for (const seg of s.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** A bind mount's host path, normalised; undefined for volumes/tmpfs or relative sources. */
export function bindSource(m: MountSpec): string | undefined {
  if (m.type !== 'bind' || !m.source || !m.source.startsWith('/')) return undefined;
  return normHostPath(m.source);
}

export function isSocket(path: string): boolean {
  return RUNTIME_SOCKETS.includes(path) || /\/(docker|containerd|crio|podman|cri-dockerd|buildkitd)\.sock$/.test(path);
}

/** The sensitive directory this host path is, or lies under (`/etc/shadow` → `/etc`); undefined if none. */
export function sensitiveDir(path: string): string | undefined {
  if (path === '/') return '/';
  const hits = SENSITIVE_DIRS.filter((d) => d !== '/' && (path === d || path.startsWith(d + '/')));
  return hits.sort((a, b) => b.length - a.length)[0];
}

export function systemDir(path: string): string | undefined {
  if (path === '/') return '/';
  return SYSTEM_DIRS.filter((d) => d !== '/' && (path === d || path.startsWith(d + '/'))).sort((a, b) => b.length - a.length)[0];
}
