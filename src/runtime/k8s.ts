/**
 * Kubernetes manifests → ContainerSpec: the fourth front end. Reads multi-document YAML (kubectl files,
 * rendered Helm output; no helm needed) under the same caps as compose (src/runtime/yaml.ts), finds the
 * workloads by `apiVersion` + `kind` (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, and `List` of them), and maps every container (init and ephemeral
 * ones too) through the one field table (src/runtime/fields.ts), so the same runtime rules apply, each
 * finding located at the manifest's file:line.
 *
 * What the table cannot express as a path is read here: volumeMounts joined with the pod's volumes
 * (hostPath → bind mount, emptyDir medium Memory → tmpfs), hostPath volumes no container mounts, the
 * service account token (automountServiceAccountToken, or a mount of its path), the legacy seccomp and
 * AppArmor annotations, probes (the healthcheck) and the Kubernetes defaults (no seccomp profile asked
 * for = Unconfined unless the kubelet says otherwise; pod networking, not a Docker bridge).
 */
import { basename } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { InputError } from '../core/errors.js';
import { addSecurityOpt, emptySpec, type ContainerSpec, type MountSpec, type SourceRef, type WorkloadRef } from './model.js';
import { applyField, fieldsOf, kindOf, SpecBuilder, type NativeField } from './fields.js';
import { checkText, parseYamlDocuments, PK, readYamlText, yamlData, type Pos } from './yaml.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

/** A manifest file larger than this is refused (rendered charts of big projects stay under a few MB). */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
/** YAML documents per file. */
export const MAX_MANIFEST_DOCS = 5_000;
/** Workloads per file (a `List` can hold many in one document). */
export const MAX_WORKLOADS = 20_000;

const K8S_FIELDS = fieldsOf('k8s');
const POD_FIELDS = K8S_FIELDS.filter((f) => f.native.key.startsWith('pod:'));
const CONTAINER_FIELDS = K8S_FIELDS.filter((f) => !f.native.key.startsWith('pod:'));

/** kind → path of the pod spec (and of the pod template's metadata) inside the object */
export const WORKLOAD_KINDS: Record<string, { spec: string[]; meta: string[] }> = {
  Pod: { spec: ['spec'], meta: ['metadata'] },
  Deployment: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  StatefulSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  DaemonSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  ReplicaSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  ReplicationController: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  Job: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  CronJob: { spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], meta: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'] },
  PodTemplate: { spec: ['template', 'spec'], meta: ['template', 'metadata'] },
};

const WORKLOAD_KIND_OF = new Map(Object.keys(WORKLOAD_KINDS).map((k) => [k.toLowerCase(), k]));

const CONTAINER_LISTS: Array<[string, WorkloadRef['containerType']]> = [
  ['initContainers', 'initContainer'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

export const SA_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A Kubernetes object found in a manifest: where it is, for writers (harden k8s) and reports. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  document: number;
  /** path of the object inside its document ([] or ['items', i]) */
  path: Array<string | number>;
  /** the line of the object's `kind:` key */
  line?: number;
  /** a Service: its type (ClusterIP when unset), selector (string values) and ports */
  service?: { type: string; selector?: Record<string, string>; ports: Array<{ port?: number; nodePort?: number }> };
  /** an Ingress: the Services its rules and default backend send traffic to */
  ingressBackends?: string[];
}

export interface K8sLoad {
  file: string;
  specs: ContainerSpec[];
  /** every object with apiVersion + kind, workloads or not */
  objects: K8sObject[];
  /** documents that are not Kubernetes objects (no apiVersion/kind), skipped */
  skipped: number;
}

/** Does this text look like Kubernetes manifests (a document with top-level `apiVersion:` and `kind:`)? */
export function looksLikeK8s(text: string): boolean {
  return /^apiVersion:\s*\S/m.test(text) && /^kind:\s*[A-Z]\w*/m.test(text);
}

/** Read and map one manifest file. */
export function loadK8sFile(file: string): K8sLoad {
  const text = readYamlText(file, 'Kubernetes manifest', MAX_MANIFEST_BYTES);
  return loadK8sText(text, file);
}

/** Map manifest text (multi-document) to ContainerSpecs. `file` names locations and errors. */
export function loadK8sText(text: string, file: string): K8sLoad {
  checkText(text, file, 'Kubernetes manifest');
  const { docs, lc } = parseYamlDocuments(text, file, MAX_MANIFEST_DOCS);
  const out: K8sLoad = { file, specs: [], objects: [], skipped: 0 };
  docs.forEach((doc, d) => readDocument(doc, lc, file, d, out));
  return out;
}

function readDocument(doc: Document, lc: LineCounter, file: string, d: number, out: K8sLoad): void {
  if (doc.contents === null || doc.contents === undefined) return;
  const { data, pos } = yamlData(doc, lc, file);
  if (data === null || data === undefined) return;
  if (typeof data !== 'object' || Array.isArray(data)) {
    out.skipped++;
    return;
  }
  const posOf = (path: Array<string | number>): Pos | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const p = pos.get(PK(path.slice(0, n)));
      if (p) return p;
    }
    return undefined;
  };
  const visitObject = (o: Record<string, J>, path: Array<string | number>, depth: number) => {
    if (typeof o.kind !== 'string' || (typeof o.apiVersion !== 'string' && !WORKLOAD_KIND_OF.has(o.kind.toLowerCase()))) {
      out.skipped++;
      return;
    }
    // a workload written without apiVersion (or kind: pod) is still read: what would run is clear
    const kind = typeof o.apiVersion === 'string' ? o.kind : WORKLOAD_KIND_OF.get(o.kind.toLowerCase())!;
    if (kind === 'List' || /List$/.test(kind)) {
      if (depth > 2) throw new InputError(`${where(posOf(path), file)}: List nested in a List nested in a List`);
      if (o.items === undefined || o.items === null) return;
      if (!Array.isArray(o.items)) throw new InputError(`${where(posOf([...path, 'items']), file)}: items must be a list, got ${kindOf(o.items)}`);
      o.items.forEach((it: J, i: number) => {
        if (it && typeof it === 'object' && !Array.isArray(it)) visitObject(it, [...path, 'items', i], depth + 1);
        else out.skipped++;
      });
      return;
    }
    const meta = o.metadata && typeof o.metadata === 'object' ? o.metadata : {};
    const obj: K8sObject = {
      apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '',
      kind,
      name: typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)',
      ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
      document: d,
      path,
      line: pos.get(PK([...path, 'kind']))?.line,
    };
    if (kind === 'Service') obj.service = serviceOf(o);
    else if (kind === 'Ingress') obj.ingressBackends = ingressBackends(o);
    out.objects.push(obj);
    const wk = WORKLOAD_KINDS[kind];
    if (!wk) return;
    workloadSpecs(o, obj, wk, path, posOf, file, out);
    if (out.specs.length > MAX_WORKLOADS) throw new InputError(`${file}: more than ${MAX_WORKLOADS} containers; split the file`);
  };
  visitObject(data as Record<string, J>, [], 0);
}

/** string-valued entries of a mapping (labels, selectors); anything else is not a label */
function stringMap(v: J): Record<string, string> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, J>)) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  return out;
}

function serviceOf(o: Record<string, J>): NonNullable<K8sObject['service']> {
  const spec = o.spec && typeof o.spec === 'object' && !Array.isArray(o.spec) ? o.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports.filter((p: J) => p && typeof p === 'object' && !Array.isArray(p)) : [];
  return {
    type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
    ...(stringMap(spec.selector) ? { selector: stringMap(spec.selector) } : {}),
    ports: ports.map((p: Record<string, J>) => ({
      ...(typeof p.port === 'number' ? { port: p.port } : {}),
      ...(typeof p.nodePort === 'number' ? { nodePort: p.nodePort } : {}),
    })),
  };
}

/** networking.k8s.io/v1 (`backend.service.name`) and the older extensions/v1beta1 (`backend.serviceName`) */
function ingressBackends(o: Record<string, J>): string[] {
  const out = new Set<string>();
  const add = (b: J) => {
    if (!b || typeof b !== 'object') return;
    const n = b.service && typeof b.service === 'object' ? b.service.name : b.serviceName;
    if (typeof n === 'string') out.add(n);
  };
  const spec = o.spec && typeof o.spec === 'object' ? o.spec : {};
  add(spec.defaultBackend);
  add(spec.backend);
  if (Array.isArray(spec.rules)) {
    for (const r of spec.rules) {
      const paths = r && typeof r === 'object' && r.http && typeof r.http === 'object' ? r.http.paths : undefined;
      if (Array.isArray(paths)) for (const p of paths) add(p && typeof p === 'object' ? p.backend : undefined);
    }
  }
  return [...out];
}

function where(p: Pos | undefined, file: string): string {
  return p ? `${p.file}:${p.line}:${p.column}` : file;
}

function getAt(o: J, path: Array<string | number>): J {
  let v = o;
  for (const k of path) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = v[k as any];
  }
  return v;
}

/** Every container of one workload object → a spec. */
function workloadSpecs(
  o: Record<string, J>,
  obj: K8sObject,
  wk: { spec: string[]; meta: string[] },
  objPath: Array<string | number>,
  posOf: (path: Array<string | number>) => Pos | undefined,
  file: string,
  out: K8sLoad,
): void {
  const podPath = [...objPath, ...wk.spec];
  const pod = getAt(o, wk.spec);
  const label = `${obj.kind} '${obj.namespace ? `${obj.namespace}/` : ''}${obj.name}'`;
  if (pod === undefined || pod === null) return;
  if (typeof pod !== 'object' || Array.isArray(pod)) throw new InputError(`${where(posOf(podPath), file)}: ${label}: ${wk.spec.join('.')} must be a mapping, got ${kindOf(pod)}`);
  const podMeta = getAt(o, wk.meta);
  const annotations: Record<string, J> = podMeta && typeof podMeta.annotations === 'object' && podMeta.annotations ? podMeta.annotations : {};
  const annotationsPath = [...objPath, ...wk.meta, 'annotations'];
  const podLabels = podMeta && typeof podMeta === 'object' ? stringMap(podMeta.labels) : undefined;
  const ref = (path: Array<string | number>): SourceRef => {
    const p = posOf(path);
    return { field: path.join('.'), ...(p ? { file: p.file, line: p.line, column: p.column } : { file }) };
  };
  // pod volumes by name
  const volumes = new Map<string, { v: Record<string, J>; i: number }>();
  if (pod.volumes !== undefined && pod.volumes !== null) {
    if (!Array.isArray(pod.volumes)) throw new InputError(`${where(posOf([...podPath, 'volumes']), file)}: ${label}: volumes must be a list, got ${kindOf(pod.volumes)}`);
    pod.volumes.forEach((v: J, i: number) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InputError(`${where(posOf([...podPath, 'volumes', i]), file)}: ${label}: a volume must be a mapping`);
      volumes.set(typeof v.name === 'string' ? v.name : `#${i}`, { v, i });
    });
  }
  const mountedVolumes = new Set<string>();
  const podSpecs: ContainerSpec[] = [];
  for (const [listKey, containerType] of CONTAINER_LISTS) {
    const list = pod[listKey];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new InputError(`${where(posOf([...podPath, listKey]), file)}: ${label}: ${listKey} must be a list, got ${kindOf(list)}`);
    list.forEach((c: J, ci: number) => {
      const cPath = [...podPath, listKey, ci];
      if (!c || typeof c !== 'object' || Array.isArray(c)) throw new InputError(`${where(posOf(cPath), file)}: ${label}: a container must be a mapping, got ${kindOf(c)}`);
      const cname = typeof c.name === 'string' ? c.name : `#${ci}`;
      const spec = emptySpec('k8s', cname);
      spec.file = file;
      spec.workload = {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.name,
        ...(obj.namespace ? { namespace: obj.namespace } : {}),
        container: cname,
        containerType,
        file,
        document: obj.document,
        ...(typeof objPath[1] === 'number' ? { item: objPath[1] } : {}),
        ...(podLabels ? { podLabels } : {}),
      };
      const kindWord = containerType === 'container' ? 'container' : containerType === 'initContainer' ? 'init container' : 'ephemeral container';
      const b = new SpecBuilder(spec, {
        where: (r) => (r.file && r.line ? `${r.file}:${r.line}:${r.column}` : file),
        who: `${kindWord} '${cname}' of ${label}`,
        baseDir: '/',
        envFrom: 'k8s-value',
      });
      b.at('', ref(cPath));
      // pod-level fields first, then the container's (the container value wins)
      for (const nf of POD_FIELDS) applyAt(b, nf, pod, podPath, ref);
      for (const nf of CONTAINER_FIELDS) applyAt(b, nf, c, cPath, ref);
      // networking: the pod's own network namespace unless hostNetwork
      if (spec.networkMode !== 'host') {
        spec.networkMode = 'pod';
        spec.networks = ['pod'];
      }
      legacyAnnotations(spec, annotations, cname, annotationsPath, ref);
      const so = spec.securityOpt;
      if (so.seccomp === undefined) {
        // no profile asked for: the container runs Unconfined unless the kubelet's SeccompDefault is on
        so.seccomp = 'unconfined';
        so.seccompImplicit = true;
        b.at('securityOpt.seccomp', ref(cPath));
      }
      // declared (unpublished) ports
      if (Array.isArray(c.ports)) {
        spec.containerPorts = c.ports.map((p: J) => (p && typeof p === 'object' ? Number(p.containerPort) : NaN)).filter((n: number) => Number.isInteger(n) && n > 0);
      }
      // probes are the healthcheck
      const probe = c.livenessProbe ?? c.readinessProbe ?? c.startupProbe;
      if (probe && typeof probe === 'object') {
        spec.healthcheck = { disabled: false, test: [c.livenessProbe ? 'livenessProbe' : c.readinessProbe ? 'readinessProbe' : 'startupProbe'] };
        b.at('healthcheck', ref([...cPath, c.livenessProbe ? 'livenessProbe' : c.readinessProbe ? 'readinessProbe' : 'startupProbe']));
      }
      // volume mounts joined with the pod's volumes
      let tokenMounted = false;
      if (c.volumeMounts !== undefined && c.volumeMounts !== null) {
        if (!Array.isArray(c.volumeMounts)) b.fail(ref([...cPath, 'volumeMounts']), `volumeMounts must be a list, got ${kindOf(c.volumeMounts)}`);
        c.volumeMounts.forEach((vm: J, i: number) => {
          const r = ref([...cPath, 'volumeMounts', i]);
          const m = b.map(vm, r, 'volumeMounts');
          const vname = m.name === undefined ? '' : b.str(m.name, r, 'name');
          const target = m.mountPath === undefined ? '' : b.str(m.mountPath, r, 'mountPath');
          if (vname) mountedVolumes.add(vname);
          const readOnly = m.readOnly !== undefined && m.readOnly !== null ? b.bool(m.readOnly, r, 'readOnly') : false;
          const vol = volumes.get(vname)?.v;
          // a mount of the token path counts when it names a volume of the pod (an undefined one mounts nothing)
          if (target.replace(/\/+$/, '') === SA_TOKEN_PATH && vol) tokenMounted = true;
          if (vol?.emptyDir && typeof vol.emptyDir === 'object' && vol.emptyDir.medium === 'Memory') {
            spec.tmpfs.push({ target, options: vol.emptyDir.sizeLimit !== undefined ? `size=${String(vol.emptyDir.sizeLimit)}` : '' });
            b.at(`tmpfs.${spec.tmpfs.length - 1}`, r);
            return;
          }
          const mount: MountSpec = { type: 'volume', target, readOnly, volume: vname, source: vname };
          if (vol?.hostPath && typeof vol.hostPath === 'object') {
            mount.type = 'bind';
            mount.source = typeof vol.hostPath.path === 'string' ? vol.hostPath.path : '';
          }
          if (typeof m.mountPropagation === 'string') mount.propagation = m.mountPropagation === 'Bidirectional' ? 'rshared' : m.mountPropagation === 'HostToContainer' ? 'rslave' : undefined;
          if (!mount.propagation) delete mount.propagation;
          b.at(`mounts.${spec.mounts.length}`, r);
          spec.mounts.push(mount);
        });
        if (spec.mounts.length) b.at('mounts', ref([...cPath, 'volumeMounts']));
      }
      // the API token: mounted unless automountServiceAccountToken is false (pod), or mounted explicitly
      const auto = pod.automountServiceAccountToken;
      spec.serviceAccountToken = tokenMounted || !(auto === false || auto === 'false');
      b.at('serviceAccountToken', ref(auto !== undefined ? [...podPath, 'automountServiceAccountToken'] : podPath));
      podSpecs.push(spec);
    });
  }
  // hostPath volumes no container mounts: still on every container's record (a debug container can mount them)
  for (const [name, { v, i }] of volumes) {
    if (mountedVolumes.has(name) || !v.hostPath || typeof v.hostPath !== 'object') continue;
    for (const spec of podSpecs) {
      spec.at[`mounts.${spec.mounts.length}`] = ref([...podPath, 'volumes', i]);
      spec.mounts.push({ type: 'bind', source: typeof v.hostPath.path === 'string' ? v.hostPath.path : '', target: '', readOnly: false, volume: name, unmounted: true });
    }
  }
  for (const s of podSpecs) out.specs.push(s);
}

function applyAt(b: SpecBuilder, nf: NativeField, base: J, basePath: Array<string | number>, ref: (path: Array<string | number>) => SourceRef): void {
  let v: J = base;
  for (let i = 0; i < nf.parts.length; i++) {
    if (v === undefined || v === null) return;
    if (i > 0) b.map(v, ref([...basePath, ...nf.parts.slice(0, i)]), nf.parts[i - 1]!);
    v = v[nf.parts[i]!];
  }
  if (v === undefined || v === null) return;
  const path = [...basePath, ...nf.parts];
  applyField(b, nf, v, ref(path), (i) => ref([...path, i]));
}

/**
 * The annotation forms: `container.apparmor.security.beta.kubernetes.io/NAME`,
 * `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/NAME`.
 * A securityContext field, when present, wins over the annotation (as the API server does).
 */
function legacyAnnotations(spec: ContainerSpec, ann: Record<string, J>, cname: string, annPath: Array<string | number>, ref: (path: Array<string | number>) => SourceRef): void {
  const so = spec.securityOpt;
  const aa = ann[`container.apparmor.security.beta.kubernetes.io/${cname}`];
  if (typeof aa === 'string' && so.apparmor === undefined) {
    addSecurityOpt(so, `apparmor=${aa === 'unconfined' ? 'unconfined' : aa}`);
    spec.at['securityOpt.apparmor'] = ref([...annPath, `container.apparmor.security.beta.kubernetes.io/${cname}`]);
  }
  const sc = ann[`container.seccomp.security.alpha.kubernetes.io/${cname}`] ?? ann['seccomp.security.alpha.kubernetes.io/pod'];
  // values the API server knows; any other one asks for no profile (and is rejected by current clusters)
  if (typeof sc === 'string' && so.seccomp === undefined && /^(runtime\/default|docker\/default|unconfined|localhost\/.+)$/.test(sc)) {
    const key = ann[`container.seccomp.security.alpha.kubernetes.io/${cname}`] !== undefined ? `container.seccomp.security.alpha.kubernetes.io/${cname}` : 'seccomp.security.alpha.kubernetes.io/pod';
    addSecurityOpt(so, `seccomp=${sc === 'unconfined' ? 'unconfined' : sc === 'docker/default' ? 'runtime/default' : sc}`);
    spec.at['securityOpt.seccomp'] = ref([...annPath, key]);
  }
}

/** A short label for reports: `Deployment/web` or `ns/Deployment/web`. */
export function objectLabel(o: K8sObject): string {
  return `${o.namespace ? `${o.namespace}/` : ''}${o.kind}/${o.name}`;
}

export const manifestName = (file: string) => basename(file);
