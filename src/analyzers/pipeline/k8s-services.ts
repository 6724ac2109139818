/**
 * Kubernetes Services and Ingresses as exposure: a Service of type LoadBalancer or NodePort whose selector matches
 * a workload's pod labels makes that workload reachable from outside the cluster, and so does an Ingress whose
 * backends name a Service (of any type) that selects it. A ClusterIP Service alone, a Service without a selector
 * (manual endpoints), or a selector that does not match, exposes nothing.
 *
 * Matching: the Service's namespace equals the workload's (an unset namespace is `default`, as `kubectl apply`
 * without `-n` does), every selector key has the same value in the pod labels, and the Service and the workload
 * may be in different files of the project. Only app containers (not init or ephemeral ones) serve traffic.
 */
import type { K8sObject } from '../../runtime/k8s.js';
import type { Workload } from './model.js';

export interface ServiceExposure {
  kind: 'Service' | 'Ingress';
  name: string;
  /** the manifest, relative to the project root, and the line of its `kind:` */
  file: string;
  line?: number;
  /** "Service web (LoadBalancer, port 80)", "Ingress site → Service web" */
  text: string;
}

/** K8sObject plus the file (relative to the project root) it was read from */
export type ProjectK8sObject = K8sObject & { file: string };

const EXTERNAL_TYPES = new Set(['LoadBalancer', 'NodePort']);
const ns = (n: string | undefined) => n || 'default';

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || !Object.keys(selector).length || !labels) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function serviceText(s: ProjectK8sObject): string {
  const svc = s.service!;
  const ports = svc.ports.map((p) => (svc.type === 'NodePort' || p.nodePort !== undefined ? (p.nodePort !== undefined ? `node port ${p.nodePort}` : undefined) : p.port !== undefined ? `port ${p.port}` : undefined)).filter(Boolean);
  return `Service ${s.name} (${svc.type}${ports.length ? `, ${ports.join(', ')}` : ''})`;
}

/** Sets `exposedBy` on the Kubernetes workloads that an external Service or an Ingress reaches. */
export function applyServiceExposure(workloads: Workload[], objects: ProjectK8sObject[]): void {
  const services = objects.filter((o) => o.kind === 'Service' && o.service);
  const ingresses = objects.filter((o) => o.kind === 'Ingress' && o.ingressBackends?.length);
  if (!services.length) return;
  for (const w of workloads) {
    const ref = w.spec.workload;
    if (!ref || ref.containerType !== 'container') continue;
    const out: ServiceExposure[] = [];
    for (const s of services) {
      if (ns(s.namespace) !== ns(ref.namespace) || !selects(s.service!.selector, ref.podLabels)) continue;
      if (EXTERNAL_TYPES.has(s.service!.type)) out.push({ kind: 'Service', name: s.name, file: s.file, line: s.line, text: serviceText(s) });
      for (const i of ingresses) {
        if (ns(i.namespace) === ns(s.namespace) && i.ingressBackends!.includes(s.name)) out.push({ kind: 'Ingress', name: i.name, file: i.file, line: i.line, text: `Ingress ${i.name} → Service ${s.name}` });
      }
    }
    if (out.length) w.exposedBy = out;
  }
}
