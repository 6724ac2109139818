/**
 * `bulwark harden k8s FILE`: the plan (plan.ts) of every container of every workload, written into the
 * manifest's YAML in place. Each document is edited on its own and only documents that change are
 * re-rendered; there, every untouched line is kept verbatim (preserve.ts), so comments, other objects,
 * `---` separators and layout survive. The result comes with a unified diff and a re-audit.
 *
 * Where a setting goes: container `securityContext` (privileged, capabilities, runAsUser/runAsGroup/
 * runAsNonRoot, allowPrivilegeEscalation, readOnlyRootFilesystem, seccompProfile, appArmorProfile,
 * procMount), the pod spec (hostNetwork/hostPID/hostIPC, automountServiceAccountToken, volumes,
 * securityContext.sysctls), the container's `resources.limits`, `volumeMounts` and `ports`.
 */
import { createTwoFilesPatch } from 'diff';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Finding } from '../core/finding.js';
import { checkContainer } from '../analyzers/runtime/index.js';
import { normCap, type ContainerSpec } from '../runtime/model.js';
import { loadK8sText, WORKLOAD_KINDS } from '../runtime/k8s.js';
import type { HardenSettings } from './config.js';
import { changeLine, keptWhat, resolvedBy, type AppliedChange, type HardenOptions } from './compose.js';
import { planHardening, type Change, type Kept, type Plan } from './plan.js';
import { preserveOriginal } from './preserve.js';
import { addComment, detectStyle, ensureMap, ensureSeq, NodeIndex, ownPair, setKey } from './yaml-edit.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

export interface HardenK8sResult {
  text: string;
  diff: string;
  /** one line per change: `Kind/name container: what [resolves IDs]` */
  changes: string[];
  applied: AppliedChange[];
  kept: Array<Kept & { target: string }>;
  notes: string[];
  before: Finding[];
  after: Finding[];
}

/** The emptyDir volume that backs /tmp once the root filesystem is read-only. */
export const TMP_VOLUME = 'bulwark-tmp';

/** docker sizes (`256m`, `1g`) → Kubernetes quantities (`256Mi`, `1Gi`) */
export function k8sBytes(v: string): string {
  const m = /^(\d+(?:\.\d+)?)([bkmgt]?)$/i.exec(v.trim());
  if (!m) return v;
  const unit = m[2]!.toLowerCase();
  return unit === '' || unit === 'b' ? m[1]! : `${m[1]}${unit.toUpperCase()}i`;
}

/** docker CPUs (`0.5`) → Kubernetes quantity (`500m`) */
export function k8sCpus(v: string): string {
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
}

interface Chunk {
  start: number;
  end: number;
  text: string;
}

/** Split a stream at its `---` lines (each separator belongs to the document it opens). */
function chunks(text: string): Chunk[] {
  const out: Chunk[] = [];
  let start = 0;
  const re = /^---(?=[ \t]|\r?$)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > start) out.push({ start, end: m.index, text: text.slice(start, m.index) });
    start = m.index;
    if (m.index === re.lastIndex) re.lastIndex++;
  }
  if (start < text.length || out.length === 0) out.push({ start, end: text.length, text: text.slice(start) });
  return out;
}

/** Harden the text of one manifest file. `file` names positions, messages and the diff header. */
export function hardenK8sText(text: string, file: string, settings: HardenSettings, opts: HardenOptions = {}): HardenK8sResult {
  // validation and positions first: every cap of the front end applies (alias bombs, documents, nesting, binary)
  const load = loadK8sText(text, file);
  const parts = chunks(text);
  const lineStarts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offsetOf = (line: number, col: number) => (lineStarts[line - 1] ?? 0) + col - 1;
  const specsOf = new Map<Chunk, ContainerSpec[]>();
  for (const s of load.specs) {
    const r = s.at[''];
    const o = r?.line ? offsetOf(r.line, r.column ?? 1) : -1;
    const c = parts.find((p) => o >= p.start && o < p.end);
    if (!c) continue;
    const list = specsOf.get(c);
    if (list) list.push(s);
    else specsOf.set(c, [s]);
  }
  const style = detectStyle(text);
  const renderOpts = { lineWidth: 0, indent: style.indent, indentSeq: style.indentSeq, flowCollectionPadding: false };
  const res: HardenK8sResult = { text, diff: '', changes: [], applied: [], kept: [], notes: [], before: [], after: [] };
  const out: string[] = [];
  for (const part of parts) {
    const specs = specsOf.get(part);
    if (!specs) {
      out.push(part.text);
      continue;
    }
    const doc = parseDocument(part.text, { merge: true, uniqueKeys: false });
    const idx = new NodeIndex(doc, text, part.start);
    let changed = false;
    const pods = new Map<YAMLMap, PodState>();
    for (const spec of specs) {
      const w = spec.workload!;
      const target = `${w.namespace ? `${w.namespace}/` : ''}${w.kind}/${w.name} ${w.containerType === 'container' ? '' : `${w.containerType} `}${w.container}`;
      const found = checkContainer(spec);
      res.before.push(...found);
      const hit = idx.at(spec.at[''], file, true);
      const container = hit?.kind === 'item' ? hit.node : undefined;
      const objPath: Array<string | number> = w.item !== undefined ? ['items', w.item] : [];
      const pod = doc.getIn([...objPath, ...WORKLOAD_KINDS[w.kind]!.spec], true);
      if (!isMap(container) || !isMap(pod)) {
        res.notes.push(`${target}: not found in the document (written through an anchor?): not changed`);
        continue;
      }
      let ps = pods.get(pod as YAMLMap);
      if (!ps) {
        const metaPath = [...objPath, ...WORKLOAD_KINDS[w.kind]!.meta];
        ps = { pod: pod as YAMLMap, meta: doc.getIn(metaPath, true) as YAMLMap | undefined, removedVolumes: new Set() };
        pods.set(pod as YAMLMap, ps);
      }
      const plan = planHardening({ spec, settings, keep: opts.keep ?? [], imageUser: spec.image !== undefined ? opts.imageUsers?.get(spec.image) : undefined, syntax: 'k8s' });
      const cw = new ContainerWriter(doc, idx, file, container as YAMLMap, ps, spec);
      for (const c of plan.changes) {
        const done = cw.apply(c);
        if (done === false) continue;
        changed = true;
        const resolves = resolvedBy(c, found);
        const t = typeof done === 'string' ? done : c.text;
        res.applied.push({ target, text: t, resolves });
        res.changes.push(changeLine(target, t, resolves));
      }
      for (const n of cw.skipped) res.changes.push(`${target}: ${n}`);
      for (const k of plan.kept) res.kept.push({ ...k, target });
      for (const n of plan.notes) res.notes.push(`${target}: ${n}`);
      if (cw.comment(plan)) changed = true;
    }
    for (const ps of pods.values()) gcVolumes(ps);
    if (!changed) {
      out.push(part.text);
      continue;
    }
    const roundtrip = parseDocument(part.text, { merge: true, uniqueKeys: false }).toString(renderOpts);
    const rendered = doc.toString(renderOpts);
    let edited = preserveOriginal(part.text, roundtrip, rendered);
    // a file that mixes sequence styles can defeat the line mapping: then the document is written as the
    // YAML library renders it (valid, comments kept, original spacing of this document lost)
    if (parseDocument(edited, { uniqueKeys: false }).errors.length) edited = rendered;
    // keep the chunk's own ending (the next `---` follows directly)
    if (part.text.endsWith('\n') && !edited.endsWith('\n')) edited += '\n';
    if (!part.text.endsWith('\n') && edited.endsWith('\n')) edited = edited.slice(0, -1);
    out.push(edited);
  }
  res.text = out.join('');
  res.diff = createTwoFilesPatch(file, `${file} (hardened)`, text, res.text, '', '', { context: 3 });
  res.after = res.text === text ? res.before : loadK8sText(res.text, file).specs.flatMap((s) => checkContainer(s));
  return res;
}

interface PodState {
  pod: YAMLMap;
  meta: YAMLMap | undefined;
  /** volumes whose mounts this hardening removed: dropped from the pod when nothing mounts them any more */
  removedVolumes: Set<string>;
}

/** Remove the pod volumes whose last mount was removed (or that were escape paths no container mounted). */
function gcVolumes(ps: PodState): void {
  if (!ps.removedVolumes.size) return;
  const vols = ownPair(ps.pod, 'volumes');
  if (!vols || !isSeq(vols.value)) return;
  const still = new Set<string>();
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = ownPair(ps.pod, key);
    if (!list || !isSeq(list.value)) continue;
    for (const c of (list.value as YAMLSeq).items) {
      if (!isMap(c)) continue;
      const vm = (c as YAMLMap).get('volumeMounts', true);
      if (!isSeq(vm)) continue;
      for (const m of vm.items) if (isMap(m)) still.add(String((m as YAMLMap).get('name')));
    }
  }
  const seq = vols.value as YAMLSeq;
  seq.items = seq.items.filter((v) => !(isMap(v) && ps.removedVolumes.has(String((v as YAMLMap).get('name'))) && !still.has(String((v as YAMLMap).get('name')))));
  if (seq.items.length === 0) ps.pod.items = ps.pod.items.filter((x) => x !== vols);
}

/** The edits of one container (and of its pod where a setting lives there). */
class ContainerWriter {
  readonly skipped: string[] = [];
  private readonly removed: string[] = [];
  constructor(
    private readonly doc: Document,
    private readonly idx: NodeIndex,
    private readonly file: string,
    private readonly c: YAMLMap,
    private readonly ps: PodState,
    private readonly spec: ContainerSpec,
  ) {}

  private sc(): YAMLMap {
    return ensureMap(this.doc, this.c, ['securityContext']);
  }
  private del(map: YAMLMap | undefined, key: string): boolean {
    if (!map) return false;
    const p = ownPair(map, key);
    if (!p) return false;
    map.items = map.items.filter((x) => x !== p);
    return true;
  }
  private dropEmpty(map: YAMLMap, key: string): void {
    const p = ownPair(map, key);
    if (p && (isSeq(p.value) || isMap(p.value)) && (p.value as YAMLSeq | YAMLMap).items.length === 0) map.items = map.items.filter((x) => x !== p);
  }
  private item(field: string): { node: Node; seq: YAMLSeq } | undefined {
    const h = this.idx.at(this.spec.at[field], this.file, true);
    return h?.kind === 'item' ? { node: h.node, seq: h.seq } : undefined;
  }
  /** remove a legacy annotation; the `annotations` map goes too when it ends up empty */
  private delAnnotation(key: string): void {
    const a = this.annotations();
    if (this.del(a, key) && this.ps.meta) this.dropEmpty(this.ps.meta, 'annotations');
  }
  private annotations(): YAMLMap | undefined {
    const a = this.ps.meta && isMap(this.ps.meta) ? this.ps.meta.get('annotations', true) : undefined;
    return isMap(a) ? (a as YAMLMap) : undefined;
  }

  /** apply one change: false when it cannot be made in a manifest (said in `skipped`), a string to reword it */
  apply(ch: Change): boolean | string {
    const o = ch.op;
    const spec = this.spec;
    const name = spec.workload!.container;
    switch (o.op) {
      case 'unset-privileged':
        this.del(this.sc(), 'privileged');
        this.removed.push(`privileged: true (${ch.why})`);
        return 'removed securityContext.privileged';
      case 'remove-cap': {
        const caps = ensureMap(this.doc, this.sc(), ['capabilities']);
        const add = caps.get('add', true);
        if (isSeq(add)) {
          add.items = add.items.filter((x) => !(isScalar(x) && normCap(String(x.value)) === o.cap));
          this.dropEmpty(caps, 'add');
        }
        this.removed.push(`capability ${o.cap} (${ch.why})`);
        return `removed capability ${o.cap}`;
      }
      case 'drop-all-caps': {
        const caps = ensureMap(this.doc, this.sc(), ['capabilities']);
        setKey(this.doc, caps, 'drop', ['ALL']);
        if (o.addBack.length) {
          const seq = ensureSeq(this.doc, caps, 'add');
          for (const cap of o.addBack) if (!seq.items.some((x) => isScalar(x) && normCap(String(x.value)) === cap)) seq.items.push(this.doc.createNode(cap));
        }
        return `capabilities.drop [ALL]${o.addBack.length ? `, add ${o.addBack.join(', ')}` : ''}`;
      }
      case 'remove-mount': {
        const m = spec.mounts[o.index]!;
        if (m.volume) this.ps.removedVolumes.add(m.volume);
        if (m.unmounted) {
          this.removed.push(`hostPath volume '${m.volume}' (${m.source}; ${ch.why})`);
          return `removed hostPath volume '${m.volume}' (${m.source})`;
        }
        const it = this.item(`mounts.${o.index}`);
        if (!it) {
          this.skipped.push(`volumeMount ${m.target} not found where it was read, not removed`);
          return false;
        }
        it.seq.items = it.seq.items.filter((x) => x !== it.node);
        this.dropEmpty(this.c, 'volumeMounts');
        this.removed.push(`volumeMount of host ${m.source} at ${m.target} (${ch.why})`);
        return `removed the mount of host ${m.source} at ${m.target}`;
      }
      case 'mount-read-only': {
        const m = spec.mounts[o.index]!;
        const it = this.item(`mounts.${o.index}`);
        if (m.unmounted || !it || !isMap(it.node)) return false;
        (it.node as YAMLMap).set('readOnly', true);
        return `volumeMount ${m.target} (host ${m.source}) readOnly: true`;
      }
      case 'remove-namespace': {
        const key = o.field === 'networkMode' ? 'hostNetwork' : o.field === 'pidMode' ? 'hostPID' : o.field === 'ipcMode' ? 'hostIPC' : undefined;
        if (!key) return false;
        this.del(this.ps.pod, key);
        this.removed.push(`${key}: true (${ch.why})`);
        return `removed ${key}`;
      }
      case 'remove-security-opt': {
        if (o.kind === 'apparmor') {
          setKey(this.doc, this.sc(), 'appArmorProfile', { type: 'RuntimeDefault' });
          this.delAnnotation(`container.apparmor.security.beta.kubernetes.io/${name}`);
          return 'appArmorProfile RuntimeDefault (was Unconfined)';
        }
        if (o.kind === 'systempaths') {
          this.del(this.sc(), 'procMount');
          return 'removed procMount: Unmasked';
        }
        if (o.kind === 'seccomp') return false; // default-seccomp writes RuntimeDefault
        this.skipped.push(`SELinux label=disable has no manifest form; nothing to remove`);
        return false;
      }
      case 'default-seccomp': {
        setKey(this.doc, this.sc(), 'seccompProfile', { type: 'RuntimeDefault' });
        // the annotation and the field must agree: the legacy annotations go
        this.delAnnotation(`container.seccomp.security.alpha.kubernetes.io/${name}`);
        this.delAnnotation('seccomp.security.alpha.kubernetes.io/pod');
        return `seccompProfile RuntimeDefault${spec.securityOpt.seccompImplicit ? '' : ' (was Unconfined)'}`;
      }
      case 'set-user': {
        const sc = this.sc();
        setKey(this.doc, sc, 'runAsNonRoot', true);
        setKey(this.doc, sc, 'runAsUser', Number(o.user));
        if (o.group !== undefined) setKey(this.doc, sc, 'runAsGroup', Number(o.group));
        return `runAsNonRoot: true, runAsUser: ${o.user}${o.group !== undefined ? `, runAsGroup: ${o.group}` : ''} (${ch.why})`;
      }
      case 'no-new-privileges':
        setKey(this.doc, this.sc(), 'allowPrivilegeEscalation', false);
        return 'allowPrivilegeEscalation: false';
      case 'read-only-rootfs':
        setKey(this.doc, this.sc(), 'readOnlyRootFilesystem', true);
        return 'readOnlyRootFilesystem: true';
      case 'tmpfs': {
        const mounts = ensureSeq(this.doc, this.c, 'volumeMounts');
        for (const t of o.targets) mounts.items.push(this.doc.createNode({ name: TMP_VOLUME, mountPath: t }));
        const vols = ensureSeq(this.doc, this.ps.pod, 'volumes');
        if (!vols.items.some((v) => isMap(v) && (v as YAMLMap).get('name') === TMP_VOLUME)) {
          vols.items.push(this.doc.createNode({ name: TMP_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: k8sBytes(o.size) } }));
        }
        return `emptyDir (memory, ${k8sBytes(o.size)}) at ${o.targets.join(', ')}`;
      }
      case 'limit': {
        if (o.what === 'pids') return false;
        const limits = ensureMap(this.doc, this.c, ['resources', 'limits']);
        const v = o.what === 'memory' ? k8sBytes(o.value) : k8sCpus(o.value);
        setKey(this.doc, limits, o.what === 'memory' ? 'memory' : 'cpu', v);
        return `resources.limits.${o.what === 'memory' ? 'memory' : 'cpu'}: ${v}`;
      }
      case 'remove-port': {
        const it = this.item(`ports.${o.index}`);
        const p = spec.ports[o.index]!;
        if (!it || !isMap(it.node)) {
          this.skipped.push(`hostPort ${p.hostPort} not found where it was read, not removed`);
          return false;
        }
        this.del(it.node as YAMLMap, 'hostPort');
        this.del(it.node as YAMLMap, 'hostIP');
        this.removed.push(`hostPort ${p.hostPort} (expose the pod through a Service)`);
        return `removed hostPort ${p.hostPort}`;
      }
      case 'no-service-account-token':
        setKey(this.doc, this.ps.pod, 'automountServiceAccountToken', false);
        return 'automountServiceAccountToken: false';
      case 'remove-sysctl': {
        const sc: unknown = this.ps.pod.get('securityContext', true);
        if (!isMap(sc)) return false;
        const list = sc.get('sysctls', true);
        if (!isSeq(list)) return false;
        list.items = list.items.filter((x) => !(isMap(x) && String((x as YAMLMap).get('name')) === o.name));
        this.dropEmpty(sc as YAMLMap, 'sysctls');
        this.removed.push(`sysctl ${o.name} (${ch.why})`);
        return `removed sysctl ${o.name}`;
      }
      case 'add-sysctl':
      case 'remove-device':
      case 'bind-port':
      case 'remove-publish-all':
      case 'env-off-command-line':
      case 'seccomp-profile':
        return false;
    }
  }

  /** comments above the container: what was removed and why, what was kept and why */
  comment(plan: Plan): boolean {
    const lines = this.removed.map((r) => `bulwark: removed ${r}`);
    for (const k of plan.kept) lines.push(`bulwark: kept ${keptWhat(k.text)} on purpose (--keep ${k.setting}): ${k.reason}${k.rules.length ? ` [leaves ${k.rules.join(', ')} open]` : ''}`);
    if (!lines.length) return false;
    addComment(this.c, lines.join('\n'));
    return true;
  }
}
