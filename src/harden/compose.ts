/**
 * `bulwark harden compose`: edit the compose file's YAML Document in place (so comments, quoting, flow
 * style and blank lines of untouched parts survive) and return the new text plus a unified diff.
 */
import { createTwoFilesPatch } from 'diff';
import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq, type Document, type Node, type Pair } from 'yaml';
import { InputError } from '../core/errors.js';
import { normCap, parsePortString } from '../runtime/model.js';
import { isPublic, seccompProfileFor, type HardenSettings } from './config.js';
import { preserveOriginal } from './preserve.js';
import { MAX_ALIAS_COUNT } from '../runtime/compose/load.js';

export interface HardenResult {
  text: string;
  diff: string;
  /** one line per change: `service: what` */
  changes: string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

const NS_KEYS: Array<[string, string]> = [
  ['network_mode', 'host'],
  ['pid', 'host'],
  ['ipc', 'host'],
  ['uts', 'host'],
  ['userns_mode', 'host'],
  ['cgroup', 'host'],
];

function detectStyle(text: string): { indent: number; indentSeq: boolean } {
  const lines = text.split(/\r?\n/);
  let indent = 2;
  let indentSeq = true;
  for (let i = 0; i < lines.length - 1; i++) {
    const m = /^(\s*)[^\s#-][^:]*:\s*$/.exec(lines[i]!);
    if (!m) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (!next) continue;
    const n = /^(\s*)(-\s)?/.exec(next)!;
    const d = n[1]!.length - m[1]!.length;
    if (n[2] && d === 0) indentSeq = false;
    if (!n[2] && d > 0 && m[1]!.length === 0) indent = d;
  }
  return { indent, indentSeq };
}

function keyNode(doc: Document, key: string, comment?: string): Scalar {
  const k = doc.createNode(key) as Scalar;
  if (comment) k.commentBefore = comment.split('\n').map((l) => ` ${l}`).join('\n');
  return k;
}

function ownPair(map: YAMLMap, key: string): Pair<Scalar, J> | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Scalar, J> | undefined;
}

function addComment(node: Node | Scalar, text: string): void {
  const c = text.split('\n').map((l) => ` ${l}`).join('\n');
  node.commentBefore = node.commentBefore ? `${node.commentBefore}\n${c}` : c;
}

/** Harden one compose file's text. `file` is used in messages and the diff header. */
export function hardenComposeText(text: string, file: string, settings: HardenSettings): HardenResult {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length) throw new InputError(`${file}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  let js: J;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}`);
  }
  const services = doc.get('services', true);
  if (!isMap(services)) throw new InputError(`${file}: no 'services' mapping to harden`);
  const changes: string[] = [];
  for (const pair of services.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const svc = pair.value;
    if (!isMap(svc)) continue;
    const cur: J = js.services?.[name] ?? {};
    const notes: string[] = [];
    const note = (s: string) => {
      notes.push(s);
      changes.push(`${name}: ${s}`);
    };
    /** set key (own pair replaced, else appended), with an optional comment above it */
    const touched: Scalar[] = [];
    const set = (key: string, value: unknown, comment?: string, flow = false): void => {
      const node = doc.createNode(value, { flow });
      const own = ownPair(svc, key);
      if (own) {
        own.value = node;
        if (comment) addComment(own.key, comment);
        if (svc.items[0] !== own) touched.push(own.key);
      } else {
        const k = keyNode(doc, key, comment);
        svc.items.push(doc.createPair(k, node) as Pair<J, J>);
        touched.push(k);
      }
    };
    // privileged and host namespaces: removed with a note
    const removed: string[] = [];
    if (cur.privileged === true || cur.privileged === 'true') {
      if (ownPair(svc, 'privileged')) svc.delete('privileged');
      else set('privileged', false);
      removed.push('privileged: true (check which capabilities and devices the service really needs; add only those)');
    }
    for (const [k, v] of NS_KEYS) {
      if (cur[k] !== v) continue;
      if (ownPair(svc, k)) {
        svc.delete(k);
        removed.push(`${k}: ${v} (check the service works in its own namespace${k === 'network_mode' ? '; publish the ports it serves' : ''})`);
      } else {
        // inherited through a merge key: the anchor is shared, so flag it here instead of editing it
        const note = `bulwark: ${k}: ${v} is inherited from a YAML anchor (merge key); remove it there or override it for this service`;
        changes.push(`${name}: ${k}: ${v} inherited, not removed`);
        const first = svc.items[0]?.key as Scalar | undefined;
        if (first) addComment(first, note);
      }
    }
    // security_opt: no-new-privileges:true; drop unconfined profiles and label=disable
    const secOpts: string[] = Array.isArray(cur.security_opt) ? cur.security_opt.map(String) : [];
    // --seccomp-profile: the given profile replaces whatever seccomp= the service had
    const profile = seccompProfileFor(settings, name);
    const profileOpt = profile !== undefined ? `seccomp=${profile}` : undefined;
    const replaced = secOpts.filter((o) => profileOpt !== undefined && /^seccomp[=:]/.test(o) && o !== profileOpt);
    const bad = secOpts.filter((o) => replaced.includes(o) || /^(seccomp|apparmor)[=:]unconfined$/.test(o) || /^label[=:]disable$/.test(o));
    for (const b of bad) removed.push(replaced.includes(b) ? `security_opt ${b} (replaced by ${profileOpt})` : `security_opt ${b} (check whether a custom profile is needed instead)`);
    const hasNnp = secOpts.some((o) => /^no-new-privileges([=:](true|1))?$/.test(o));
    const addProfile = profileOpt !== undefined && !secOpts.includes(profileOpt);
    const own = ownPair(svc, 'security_opt');
    if (own && isSeq(own.value)) {
      const seq = own.value as YAMLSeq;
      seq.items = seq.items.filter((it) => !(isScalar(it) && bad.includes(String(it.value))));
      if (!hasNnp) seq.items.push(doc.createNode('no-new-privileges:true'));
      if (addProfile) seq.items.push(doc.createNode(profileOpt));
      if ((!hasNnp || bad.length || addProfile) && svc.items[0] !== own) touched.push(own.key);
    } else if (!hasNnp || bad.length || addProfile) {
      set('security_opt', [...secOpts.filter((o) => !bad.includes(o)), ...(hasNnp ? [] : ['no-new-privileges:true']), ...(addProfile ? [profileOpt!] : [])]);
    }
    if (!hasNnp) note('security_opt no-new-privileges:true');
    if (addProfile) note(`security_opt ${profileOpt}`);
    if (removed.length) {
      for (const r of removed) changes.push(`${name}: removed ${r}`);
    }
    // capabilities
    const drops: string[] = Array.isArray(cur.cap_drop) ? cur.cap_drop.map((c: unknown) => normCap(String(c))) : [];
    const adds: string[] = Array.isArray(cur.cap_add) ? cur.cap_add.map((c: unknown) => normCap(String(c))) : [];
    let capComment: string | undefined;
    if (adds.length) capComment = `bulwark: kept cap_add ${adds.join(', ')}: explicitly requested; check each is really needed`;
    if (!drops.includes('ALL')) {
      set('cap_drop', ['ALL'], capComment, true);
      note(`cap_drop [ALL]${adds.length ? ` (kept cap_add ${adds.join(', ')})` : ''}`);
    }
    // read-only root filesystem with tmpfs for /tmp and /run
    if (cur.read_only !== true && cur.read_only !== 'true') {
      set('read_only', true);
      note('read_only: true');
    }
    const tmpfs: string[] = cur.tmpfs === undefined ? [] : Array.isArray(cur.tmpfs) ? cur.tmpfs.map(String) : [String(cur.tmpfs)];
    const volTargets: string[] = Array.isArray(cur.volumes)
      ? cur.volumes.map((v: J) => (typeof v === 'string' ? (v.split(':')[1]?.startsWith('/') ? v.split(':')[1] : v.split(':')[0]) : String(v?.target ?? '')))
      : [];
    const want = ['/tmp', '/run'].filter((t) => !tmpfs.some((x) => x.split(':')[0] === t) && !volTargets.includes(t));
    if (want.length) {
      const entries = want.map((t) => `${t}:rw,noexec,nosuid,size=${settings.tmpfsSize}`);
      const ownT = ownPair(svc, 'tmpfs');
      if (ownT && isSeq(ownT.value)) for (const e of entries) (ownT.value as YAMLSeq).items.push(doc.createNode(e));
      else set('tmpfs', [...tmpfs, ...entries]);
      note(`tmpfs ${want.join(', ')} (noexec,nosuid,size=${settings.tmpfsSize})`);
    }
    // resource limits
    const lim: J = cur.deploy?.resources?.limits;
    const limPair = (() => {
      const d = svc.get('deploy', true);
      if (!isMap(d)) return undefined;
      const r = d.get('resources', true);
      if (!isMap(r)) return undefined;
      const l = r.get('limits', true);
      return isMap(l) ? l : undefined;
    })();
    const limit = (svcKey: string, limKey: string, value: string | number, label: string) => {
      if (cur[svcKey] !== undefined || lim?.[limKey] !== undefined) return;
      if (limPair) limPair.set(limKey, doc.createNode(value));
      else set(svcKey, value);
      note(`${label} ${value}`);
    };
    limit('mem_limit', 'memory', settings.memory, 'memory limit');
    limit('cpus', 'cpus', Number(settings.cpus), 'CPU limit');
    limit('pids_limit', 'pids', settings.pids, 'PIDs limit');
    // ports bound to the bind address
    const portsPair = ownPair(svc, 'ports');
    if (portsPair && isSeq(portsPair.value)) {
      for (const [i, it] of (portsPair.value as YAMLSeq).items.entries()) {
        if (isScalar(it)) {
          const s = String(it.value);
          const parsed = parsePortString(s);
          if (!parsed) {
            if (s.includes('$')) changes.push(`${name}: port ${s} uses a variable; not rewritten (bind it to an address in the variable)`);
            continue;
          }
          const p = parsed[0]!;
          if (p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::') continue;
          if (isPublic(settings, name, [p.hostPort, p.containerPort])) continue;
          const proto = s.includes('/') ? s.slice(s.lastIndexOf('/')) : '';
          const v = `${settings.bindAddress}:${p.hostPort ?? ''}:${p.containerPort}${proto}`;
          const n = doc.createNode(v) as Scalar;
          if (it.type === 'QUOTE_SINGLE' || it.type === 'QUOTE_DOUBLE') n.type = it.type;
          else n.type = 'QUOTE_DOUBLE';
          n.commentBefore = it.commentBefore;
          n.comment = it.comment;
          (portsPair.value as YAMLSeq).items[i] = n;
          note(`port ${s} -> ${v}`);
        } else if (isMap(it)) {
          const hip = it.get('host_ip');
          if (hip !== undefined && hip !== '0.0.0.0' && hip !== '::') continue;
          const pub = it.get('published');
          if (pub === undefined) continue;
          if (isPublic(settings, name, [String(pub), String(it.get('target'))])) continue;
          it.set('host_ip', settings.bindAddress);
          note(`port ${pub}:${it.get('target')} bound to ${settings.bindAddress}`);
        }
      }
    }
    if (removed.length) {
      const c = removed.map((r) => `bulwark: removed ${r}`).join('\n');
      const target = touched[0] ?? (svc.items[0]?.key as Scalar | undefined);
      if (target) addComment(target, c);
    }
  }
  const style = detectStyle(text);
  const opts = { lineWidth: 0, indent: style.indent, indentSeq: style.indentSeq, flowCollectionPadding: false };
  const roundtrip = parseDocument(text, { merge: true, uniqueKeys: true }).toString(opts);
  const out = changes.length ? preserveOriginal(text, roundtrip, doc.toString(opts)) : text;
  const diff = createTwoFilesPatch(file, `${file} (hardened)`, text, out, '', '', { context: 3 });
  return { text: out, diff, changes };
}
