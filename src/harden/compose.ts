/**
 * `bulwark harden compose`: the plan (plan.ts) of every service, written into the compose file's YAML
 * document in place, so comments, quoting, flow style and blank lines of untouched parts survive; the
 * result comes with a unified diff and a re-audit of the hardened text.
 *
 * A value is edited where the service itself writes it. A value the service inherits (a YAML merge key,
 * `extends`) is overridden when the setting can be (privileged: false), else reported, since editing the
 * shared anchor would change other services too.
 */
import { createTwoFilesPatch } from 'diff';
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { checkContainer } from '../analyzers/runtime/index.js';
import { parsePortString, type ContainerSpec } from '../runtime/model.js';
import { loadComposeSpecs } from '../runtime/compose/normalize.js';
import { parseComposeFile } from '../runtime/compose/load.js';
import type { HardenSettings } from './config.js';
import { planHardening, type Change, type KeepEntry, type Kept, type Plan } from './plan.js';
import { preserveOriginal } from './preserve.js';
import { addComment, detectStyle, ensureMap, ensureSeq, inside, NodeIndex, ownPair, setKey } from './yaml-edit.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

export interface HardenOptions {
  keep?: KeepEntry[];
  /** image reference → its configured USER ('' when it has none), for the images that could be looked up */
  imageUsers?: Map<string, string>;
  /** environment for interpolation (default: process.env) */
  env?: Record<string, string | undefined>;
}

export interface AppliedChange {
  /** service or container */
  target: string;
  text: string;
  /** rule IDs this change resolves that fired before hardening */
  resolves: string[];
}

export interface HardenResult {
  text: string;
  diff: string;
  /** one line per change: `service: what [resolves IDs]` (and what could not be changed, with why) */
  changes: string[];
  applied: AppliedChange[];
  /** settings left in place on purpose (--keep), with the reason */
  kept: Array<Kept & { target: string }>;
  /** remarks that need no change (a capability kept because it was asked for, ...) */
  notes: string[];
  /** runtime findings before and after (a re-audit of the hardened text) */
  before: Finding[];
  after: Finding[];
}

const NS_KEY: Record<string, string> = { networkMode: 'network_mode', pidMode: 'pid', ipcMode: 'ipc', utsMode: 'uts', usernsMode: 'userns_mode', cgroupnsMode: 'cgroup' };
const SECOPT_RE: Record<string, RegExp> = {
  seccomp: /^seccomp[=:]unconfined$/,
  apparmor: /^apparmor[=:]unconfined$/,
  label: /^label[=:]disable$/,
  systempaths: /^systempaths[=:]unconfined$/,
};

/** "removed the writable mount of ..." → "the writable mount of ..." (what a kept setting is) */
export function keptWhat(text: string): string {
  return text.replace(/^removed (the )?/, '');
}

/** `changes` text for one applied change */
export function changeLine(target: string, text: string, resolves: string[]): string {
  return `${target}: ${text}${resolves.length ? ` [resolves ${resolves.join(', ')}]` : ''}`;
}

/** The rule IDs of `change` that fired on this spec before. */
export function resolvedBy(change: Change, before: Finding[]): string[] {
  const fired = new Set(before.map((f) => f.ruleId));
  return change.rules.filter((r) => fired.has(r));
}

/** Harden one compose file's text. `file` is used for positions, messages and the diff header. */
export function hardenComposeText(text: string, file: string, settings: HardenSettings, opts: HardenOptions = {}): HardenResult {
  const abs = resolve(file);
  // validation and positions first: duplicate keys, alias bombs, nesting, binary input end here
  const pf = parseComposeFile(abs, text);
  if (!pf.data.services || typeof pf.data.services !== 'object' || Array.isArray(pf.data.services)) throw new InputError(`${file}: no 'services' mapping to harden`);
  const { specs } = loadComposeSpecs({ files: [abs], texts: { [abs]: text }, profiles: ['*'], env: opts.env });
  const bySvc = new Map(specs.map((s) => [s.service!, s]));
  const doc = parseDocument(text, { merge: true, uniqueKeys: false });
  const idx = new NodeIndex(doc, text);
  const services = doc.get('services', true);
  if (!isMap(services)) throw new InputError(`${file}: no 'services' mapping to harden`);
  const changes: string[] = [];
  const applied: AppliedChange[] = [];
  const kept: HardenResult['kept'] = [];
  const notes: string[] = [];
  const before: Finding[] = [];
  for (const pair of services.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const svc = pair.value;
    const spec = bySvc.get(name);
    if (!isMap(svc) || !spec) continue;
    const found = checkContainer(spec);
    before.push(...found);
    const plan = planHardening({ spec, settings, keep: opts.keep ?? [], imageUser: spec.image !== undefined ? opts.imageUsers?.get(spec.image) : undefined, syntax: 'compose' });
    const w = new ServiceWriter(doc, idx, abs, svc as YAMLMap, spec);
    for (const c of plan.changes) {
      const done = w.apply(c);
      if (done === false) continue;
      const resolves = resolvedBy(c, found);
      const textOf = typeof done === 'string' ? done : c.text;
      applied.push({ target: name, text: textOf, resolves });
      changes.push(changeLine(name, textOf, resolves));
    }
    for (const n of w.inherited) changes.push(`${name}: ${n}`);
    for (const k of plan.kept) kept.push({ ...k, target: name });
    for (const n of plan.notes) notes.push(`${name}: ${n}`);
    w.comment(plan);
  }
  const style = detectStyle(text);
  const renderOpts = { lineWidth: 0, indent: style.indent, indentSeq: style.indentSeq, flowCollectionPadding: false };
  const roundtrip = parseDocument(text, { merge: true, uniqueKeys: false }).toString(renderOpts);
  const rendered = doc.toString(renderOpts);
  let out = changes.length || kept.length ? preserveOriginal(text, roundtrip, rendered) : text;
  // a file that mixes sequence styles can defeat the line mapping: then the file is written as the YAML
  // library renders it (valid, comments kept, original spacing lost)
  if (out !== text && parseDocument(out, { uniqueKeys: false }).errors.length) out = rendered;
  const diff = createTwoFilesPatch(file, `${file} (hardened)`, text, out, '', '', { context: 3 });
  // re-audit what was written
  let after: Finding[] = [];
  if (out !== text) {
    const again = loadComposeSpecs({ files: [abs], texts: { [abs]: out }, profiles: ['*'], env: opts.env });
    after = again.specs.flatMap((s) => checkContainer(s));
  } else after = before;
  return { text: out, diff, changes, applied, kept, notes, before, after };
}

/** The edits of one service. */
class ServiceWriter {
  /** what this service inherits and so could not be changed here */
  readonly inherited: string[] = [];
  private readonly removed: string[] = [];
  private readonly touched: Scalar[] = [];
  constructor(
    private readonly doc: Document,
    private readonly idx: NodeIndex,
    private readonly file: string,
    private readonly svc: YAMLMap,
    private readonly spec: ContainerSpec,
  ) {}

  /** the key or item behind a spec field, when this service writes it itself */
  private own(field: string) {
    const h = this.idx.at(this.spec.at[field], this.file, /\.\d+$/.test(field));
    if (!h) return undefined;
    const node = h.kind === 'pair' ? (h.pair.key as Node) : h.node;
    return inside(node, this.svc) ? h : undefined;
  }
  private where(field: string): string {
    const r = this.spec.at[field];
    return r?.line ? `line ${r.line}` : 'a merged file';
  }
  private set(key: string, value: unknown, flow = false): void {
    const k = setKey(this.doc, this.svc, key, value, flow);
    if (this.svc.items[0]?.key !== k) this.touched.push(k);
  }
  private removeItem(seq: YAMLSeq, node: unknown): void {
    seq.items = seq.items.filter((x) => x !== node);
  }
  private dropIfEmpty(key: string): void {
    const p = ownPair(this.svc, key);
    if (p && isSeq(p.value) && (p.value as YAMLSeq).items.length === 0) this.svc.items = this.svc.items.filter((x) => x !== p);
  }
  private removePair(map: YAMLMap, pair: unknown): void {
    map.items = map.items.filter((x) => x !== pair);
  }

  /** apply one change: false when it could not be made (reported in `inherited`), a string to reword it */
  apply(c: Change): boolean | string {
    const o = c.op;
    const spec = this.spec;
    switch (o.op) {
      case 'unset-privileged': {
        const h = this.own('privileged');
        if (h?.kind === 'pair') this.removePair(h.map, h.pair);
        else this.set('privileged', false);
        this.removed.push(`privileged: true (${c.why})`);
        return 'removed privileged: true';
      }
      case 'remove-cap': {
        let done = false;
        spec.capAdd.forEach((cap, k) => {
          if (cap !== o.cap) return;
          const h = this.own(`capAdd.${k}`);
          if (h?.kind === 'item') {
            this.removeItem(h.seq, h.node);
            done = true;
          }
        });
        if (!done) {
          this.inherited.push(`cap_add ${o.cap} is inherited (${this.where('capAdd')}), not removed: remove it where it is defined`);
          return false;
        }
        this.dropIfEmpty('cap_add');
        this.removed.push(`cap_add ${o.cap} (${c.why})`);
        return `removed cap_add ${o.cap}`;
      }
      case 'drop-all-caps': {
        this.set('cap_drop', ['ALL'], true);
        if (o.addBack.length) {
          const seq = ensureSeq(this.doc, this.svc, 'cap_add');
          for (const cap of o.addBack) if (!seq.items.some((x) => isScalar(x) && String(x.value).toUpperCase().replace(/^CAP_/, '') === cap)) seq.items.push(this.doc.createNode(cap));
        }
        return `cap_drop [ALL]${o.addBack.length ? `, cap_add ${o.addBack.join(', ')}` : ''}`;
      }
      case 'remove-mount': {
        const h = this.own(`mounts.${o.index}`);
        const m = spec.mounts[o.index]!;
        if (h?.kind !== 'item') {
          this.inherited.push(`volume ${m.source} -> ${m.target} is inherited (${this.where(`mounts.${o.index}`)}), not removed`);
          return false;
        }
        const raw = isScalar(h.node) ? String(h.node.value) : `${m.source}:${m.target}`;
        this.removeItem(h.seq, h.node);
        this.dropIfEmpty('volumes');
        this.removed.push(`volume ${raw} (${c.why})`);
        return `removed volume ${raw}`;
      }
      case 'mount-read-only': {
        const h = this.own(`mounts.${o.index}`);
        const m = spec.mounts[o.index]!;
        if (h?.kind !== 'item') {
          this.inherited.push(`volume ${m.source} -> ${m.target} is inherited (${this.where(`mounts.${o.index}`)}), not made read-only`);
          return false;
        }
        if (isScalar(h.node)) {
          const v = String(h.node.value);
          const parts = v.split(':');
          let next: string;
          if (parts.length === 2) next = `${v}:ro`;
          else if (parts.length === 3) {
            const opts = parts[2]!.split(',').filter((x) => x && x !== 'rw');
            next = `${parts[0]}:${parts[1]}:${['ro', ...opts.filter((x) => x !== 'ro')].join(',')}`;
          } else return false;
          const n = this.doc.createNode(next) as Scalar;
          n.type = h.node.type === 'PLAIN' && !/[:#{}[\],&*!|>'"%@`]/.test(next.slice(0, 1)) ? h.node.type : (h.node.type ?? 'PLAIN');
          n.comment = h.node.comment;
          n.commentBefore = h.node.commentBefore;
          h.seq.items[h.seq.items.indexOf(h.node)] = n;
          return `volume ${v} -> ${next} (read-only)`;
        }
        if (isMap(h.node)) {
          (h.node as YAMLMap).set('read_only', true);
          return `volume ${m.source} -> ${m.target}: read_only: true`;
        }
        return false;
      }
      case 'remove-namespace': {
        const key = NS_KEY[o.field]!;
        const h = this.own(o.field);
        if (h?.kind === 'pair' && ownPair(this.svc, key) === h.pair) {
          this.removePair(this.svc, h.pair);
          this.removed.push(`${key}: host (${c.why})`);
          return `removed ${key}: host`;
        }
        this.inherited.push(`${key}: host inherited, not removed (${this.where(o.field)}: remove it there or override it for this service)`);
        const first = this.svc.items[0]?.key as Scalar | undefined;
        if (first) addComment(first, `bulwark: ${key}: host is inherited from a YAML anchor (merge key) or a base service; remove it there or override it for this service`);
        return false;
      }
      case 'remove-security-opt': {
        const p = ownPair(this.svc, 'security_opt');
        const re = SECOPT_RE[o.kind]!;
        if (p && isSeq(p.value)) {
          const seq = p.value as YAMLSeq;
          const gone = seq.items.filter((x) => isScalar(x) && re.test(String(x.value)));
          if (gone.length) {
            seq.items = seq.items.filter((x) => !gone.includes(x));
            for (const g of gone) this.removed.push(`security_opt ${String((g as Scalar).value)}`);
            if (this.svc.items[0] !== p) this.touched.push(p.key);
            return `removed security_opt ${gone.map((g) => String((g as Scalar).value)).join(', ')}`;
          }
        }
        this.inherited.push(`security_opt ${o.kind} unconfined is inherited (${this.where(`securityOpt.${o.kind}`)}), not removed`);
        return false;
      }
      case 'set-user': {
        const s = new Scalar(o.user);
        s.type = 'QUOTE_DOUBLE';
        this.set('user', s);
        return `user: "${o.user}" (${c.why})`;
      }
      case 'seccomp-profile': {
        const p = ownPair(this.svc, 'security_opt');
        const opt = `seccomp=${o.path}`;
        if (p && isSeq(p.value)) {
          const seq = p.value as YAMLSeq;
          const gone = seq.items.filter((x) => isScalar(x) && /^seccomp[=:]/.test(String(x.value)));
          seq.items = seq.items.filter((x) => !gone.includes(x));
          seq.items.push(this.doc.createNode(opt));
          // said above the key it is about: the replaced profile may be what a reader looks for
          if (gone.length) addComment(p.key as Scalar, gone.map((g) => `bulwark: removed security_opt ${String((g as Scalar).value)} (replaced by ${opt})`).join('\n'));
          if (this.svc.items[0] !== p) this.touched.push(p.key);
        } else {
          const rest = spec.securityOpt.raw.filter((r) => !/^seccomp[=:]/.test(r) && !Object.values(SECOPT_RE).some((re) => re.test(r)));
          this.set('security_opt', [...rest, opt]);
        }
        return `security_opt ${opt}`;
      }
      case 'no-new-privileges': {
        const p = ownPair(this.svc, 'security_opt');
        if (p && isSeq(p.value)) {
          const seq = p.value as YAMLSeq;
          seq.items = seq.items.filter((x) => !(isScalar(x) && /^no-new-privileges[=:](false|0)$/.test(String(x.value))));
          seq.items.push(this.doc.createNode('no-new-privileges:true'));
          if (this.svc.items[0] !== p) this.touched.push(p.key);
        } else {
          const rest = spec.securityOpt.raw.filter((r) => !/^no-new-privileges/.test(r) && !Object.values(SECOPT_RE).some((re) => re.test(r)));
          this.set('security_opt', [...rest, 'no-new-privileges:true']);
        }
        return 'security_opt no-new-privileges:true';
      }
      case 'read-only-rootfs':
        this.set('read_only', true);
        return 'read_only: true';
      case 'tmpfs': {
        const entries = o.targets.map((t) => `${t}:rw,noexec,nosuid,size=${o.size}`);
        const p = ownPair(this.svc, 'tmpfs');
        if (p && isSeq(p.value)) for (const e of entries) (p.value as YAMLSeq).items.push(this.doc.createNode(e));
        else if (p && isScalar(p.value)) p.value = this.doc.createNode([String(p.value.value), ...entries]);
        else this.set('tmpfs', entries);
        return `tmpfs ${o.targets.join(', ')} (noexec, nosuid, size=${o.size})`;
      }
      case 'limit': {
        const limits = this.limitsMap();
        const key = o.what === 'memory' ? ['memory', 'mem_limit'] : o.what === 'cpus' ? ['cpus', 'cpus'] : ['pids', 'pids_limit'];
        const value = o.what === 'memory' ? o.value : Number(o.value);
        if (limits) limits.set(key[0]!, this.doc.createNode(value));
        else this.set(key[1]!, value);
        return `${o.what === 'memory' ? 'memory limit' : o.what === 'cpus' ? 'CPU limit' : 'PIDs limit'} ${o.value}`;
      }
      case 'bind-port': {
        const h = this.own(`ports.${o.index}`);
        const p = spec.ports[o.index]!;
        if (h?.kind !== 'item') {
          this.inherited.push(`port ${p.hostPort ?? ''}:${p.containerPort} is inherited (${this.where(`ports.${o.index}`)}), not rebound`);
          return false;
        }
        if (isScalar(h.node)) {
          const raw = String(h.node.value);
          if (raw.includes('$')) {
            this.inherited.push(`port ${raw} uses a variable; not rewritten (bind it to an address in the variable)`);
            return false;
          }
          const parsed = parsePortString(raw)?.[0];
          if (!parsed) return false;
          const proto = raw.includes('/') ? raw.slice(raw.lastIndexOf('/')) : '';
          const v = `${o.address}:${parsed.hostPort ?? ''}:${parsed.containerPort}${proto}`;
          const n = this.doc.createNode(v) as Scalar;
          n.type = h.node.type === 'QUOTE_SINGLE' || h.node.type === 'QUOTE_DOUBLE' ? h.node.type : 'QUOTE_DOUBLE';
          n.commentBefore = h.node.commentBefore;
          n.comment = h.node.comment;
          h.seq.items[h.seq.items.indexOf(h.node)] = n;
          return `port ${raw} -> ${v}`;
        }
        if (isMap(h.node)) {
          (h.node as YAMLMap).set('host_ip', o.address);
          return `port ${p.hostPort}:${p.containerPort} bound to ${o.address}`;
        }
        return false;
      }
      case 'remove-publish-all':
        return false;
      case 'remove-device': {
        const h = this.own(`devices.${o.index}`);
        const d = spec.devices[o.index]!;
        if (h?.kind !== 'item') {
          this.inherited.push(`device ${d.host} is inherited (${this.where(`devices.${o.index}`)}), not removed`);
          return false;
        }
        this.removeItem(h.seq, h.node);
        this.dropIfEmpty('devices');
        this.removed.push(`device ${d.host} (${c.why})`);
        return `removed device ${d.host}`;
      }
      case 'remove-sysctl': {
        const p = ownPair(this.svc, 'sysctls');
        if (p && isMap(p.value)) {
          const m = p.value as YAMLMap;
          const item = m.items.find((x) => isScalar(x.key) && String(x.key.value) === o.name);
          if (item) {
            this.removePair(m, item);
            this.removed.push(`sysctl ${o.name} (kernel-wide)`);
            return `removed sysctl ${o.name}`;
          }
        } else if (p && isSeq(p.value)) {
          const seq = p.value as YAMLSeq;
          const item = seq.items.find((x) => isScalar(x) && String(x.value).startsWith(`${o.name}=`));
          if (item) {
            this.removeItem(seq, item);
            this.removed.push(`sysctl ${o.name} (kernel-wide)`);
            return `removed sysctl ${o.name}`;
          }
        }
        this.inherited.push(`sysctl ${o.name} is inherited, not removed`);
        return false;
      }
      case 'add-sysctl': {
        const p = ownPair(this.svc, 'sysctls');
        if (p && isSeq(p.value)) (p.value as YAMLSeq).items.push(this.doc.createNode(`${o.name}=${o.value}`));
        else if (p && isMap(p.value)) (p.value as YAMLMap).set(o.name, this.doc.createNode(Number(o.value)));
        else {
          const m = ensureMap(this.doc, this.svc, ['sysctls']);
          m.set(o.name, this.doc.createNode(Number(o.value)));
          this.touched.push(ownPair(this.svc, 'sysctls')!.key);
        }
        return `sysctls ${o.name}: ${o.value}`;
      }
      case 'remove-port':
      case 'default-seccomp':
      case 'env-off-command-line':
      case 'no-service-account-token':
        return false;
    }
  }

  private limitsMap(): YAMLMap | undefined {
    const d = this.svc.get('deploy', true);
    if (!isMap(d)) return undefined;
    const r = d.get('resources', true);
    if (!isMap(r)) return undefined;
    const l = r.get('limits', true);
    return isMap(l) ? l : undefined;
  }

  /** comments: what was removed (above the first key this service got or changed), what was kept and why */
  comment(plan: Plan): void {
    const lines = this.removed.map((r) => `bulwark: removed ${r}`);
    for (const k of plan.kept) lines.push(`bulwark: kept ${keptWhat(k.text)} on purpose (--keep ${k.setting}): ${k.reason}${k.rules.length ? ` [leaves ${k.rules.join(', ')} open]` : ''}`);
    const anyChange = lines.length > 0 || this.touched.length > 0;
    if (anyChange) for (const n of plan.notes) lines.push(`bulwark: ${n.replace(/^kept capability (\S+)/, 'kept cap_add $1')}`);
    if (!lines.length) return;
    const target = this.touched[0] ?? (this.svc.items[0]?.key as Scalar | undefined);
    if (target) addComment(target, lines.join('\n'));
  }
}

export type { Plan, J };
