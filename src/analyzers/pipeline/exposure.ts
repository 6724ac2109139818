/**
 * How exposed a workload is, from its runtime settings (and, for the user, from the Dockerfile that builds its
 * image). Each factor has a documented weight; a finding's priority score is
 *
 *   score = SEVERITY_WEIGHT[severity] × (1 + Σ factor weights of the most exposed workload running it)
 *
 * so a critical vulnerability in a private, non-root service scores 10, the same one in a service that publishes
 * a port on all interfaces and runs as root scores 10 × (1 + 1 + 0.5) = 25. Severity itself is not changed (gates
 * and filters keep their meaning); the score orders the pipeline view and the top-fix list.
 */
import type { Severity } from '../../core/finding.js';
import type { ContainerSpec } from '../../runtime/model.js';
import type { ServiceExposure } from './k8s-services.js';

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 10, high: 7, medium: 4, low: 1, unknown: 1, info: 0 };

export interface ExposureFactor {
  id: 'published' | 'k8s-service' | 'host-network' | 'privileged' | 'escape-caps' | 'runtime-socket' | 'host-pid' | 'root';
  weight: number;
  /** "publishes 0.0.0.0:443", "runs as root" */
  text: string;
}

export const FACTOR_WEIGHTS: Record<ExposureFactor['id'], number> = {
  published: 1,
  'k8s-service': 1,
  'host-network': 1,
  privileged: 1,
  'runtime-socket': 1,
  'escape-caps': 0.75,
  'host-pid': 0.5,
  root: 0.5,
};

/** capabilities that open a way out of the container (or to the host's network) */
const ESCAPE_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'SYS_RAWIO', 'BPF', 'NET_ADMIN']);
const SOCKETS = /(?:^|\/)(?:docker|containerd|crio|podman)\.sock$|^\/var\/run\/docker\.sock$/;

export function isRootUser(user: string | undefined): boolean {
  if (user === undefined) return false;
  const u = user.trim().split(':')[0]!;
  return u === '' || u === 'root' || u === '0';
}

/**
 * The exposure factors of a workload. `imageRunsAsRoot`: what the Dockerfile (or image config) says when the
 * workload sets no user (undefined = unknown: no root factor is claimed).
 */
export function exposureOf(spec: ContainerSpec, imageRunsAsRoot?: boolean, exposedBy?: ServiceExposure[]): ExposureFactor[] {
  const out: ExposureFactor[] = [];
  const f = (id: ExposureFactor['id'], text: string) => out.push({ id, weight: FACTOR_WEIGHTS[id], text });
  const open = spec.ports.filter((p) => p.hostPort !== undefined && (!p.hostIp || p.hostIp === '0.0.0.0' || p.hostIp === '::' || p.hostIp === '[::]'));
  if (open.length) f('published', `publishes ${open.map((p) => `0.0.0.0:${p.hostPort}`).join(', ')}`);
  else if (spec.publishAll) f('published', 'publishes every exposed port on all interfaces');
  if (exposedBy?.length) f('k8s-service', `is exposed by ${exposedBy.map((e) => e.text).join(', ')}`);
  if (spec.networkMode === 'host') f('host-network', 'uses the host network');
  if (spec.privileged) f('privileged', 'is privileged');
  const caps = spec.capAdd.map((c) => c.toUpperCase().replace(/^CAP_/, '')).filter((c) => ESCAPE_CAPS.has(c));
  if (caps.length && !spec.privileged) f('escape-caps', `adds ${caps.join(', ')}`);
  if (spec.mounts.some((m) => m.source && SOCKETS.test(m.source))) f('runtime-socket', 'mounts the container engine socket');
  if (spec.pidMode === 'host') f('host-pid', "shares the host's PID namespace");
  // a container's inspect data holds the user it really runs as (the image's USER is merged into Config.User):
  // none is root
  const root = spec.frontEnd === 'container' ? isRootUser(spec.user ?? '') : spec.user !== undefined ? isRootUser(spec.user) : imageRunsAsRoot;
  if (root) f('root', 'runs as root');
  return out;
}

export function exposureMultiplier(factors: ExposureFactor[]): number {
  return 1 + factors.reduce((a, x) => a + x.weight, 0);
}

export function describeExposure(factors: ExposureFactor[]): string {
  const t = factors.map((x) => x.text);
  return t.length <= 1 ? (t[0] ?? '') : `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
}
