/**
 * Secret findings: hits recorded per layer by the secrets analyzers (so a file deleted or overwritten later
 * is still reported, as extractable from the layer that holds it), and the image config's Env, Labels and
 * history created_by (build arguments used by RUN and inline credentials land there).
 */
import type { Finding } from '../../../core/finding.js';
import type { RuleMeta } from '../../../core/rule.js';
import type { HiddenFile } from '../../../image/types.js';
import { historyLayerPositions, layerMakingEntries } from '../attribution.js';
import type { ImageCheckContext, ImageFindingInit } from '../context.js';
import { makeCustomSecretsAnalyzer, SECRETS_ANALYZER } from './analyzer.js';
import { redact, secretDigest, SecretMatcher, type SecretHit } from './engine.js';
import { DUMMY_VALUES, type SecretRuleData } from './rules-table.js';
import { resolveSecrets, type ResolvedSecrets } from './settings.js';

/** A secret finding before it is filed under its catalogue rule: what `ctx.finding` takes, and the kind for the title. */
interface PendingSecret {
  ruleId: string;
  kind: string;
  init: Omit<ImageFindingInit, 'title'>;
}

const collected = new WeakMap<ImageCheckContext, Map<string, PendingSecret[]>>();

/**
 * The findings of one secret rule (BW-SECRET-NNN). Layers and config are searched once per image for every
 * kind in the rules table; each rule then files the hits of its own kinds.
 */
export function secretFindings(ctx: ImageCheckContext, meta: RuleMeta): Finding[] {
  let byRule = collected.get(ctx);
  if (!byRule) {
    byRule = new Map();
    const resolved = resolveSecrets(ctx.cfg);
    const custom = makeCustomSecretsAnalyzer(resolved.custom);
    const analyzerNames = [SECRETS_ANALYZER, ...(custom ? [custom.name] : [])];
    for (const p of [...layerSecrets(ctx, resolved, analyzerNames), ...configSecrets(ctx, resolved)]) {
      const list = byRule.get(p.ruleId);
      if (list) list.push(p);
      else byRule.set(p.ruleId, [p]);
    }
    collected.set(ctx, byRule);
  }
  return (byRule.get(meta.id) ?? []).map((p) => ctx.finding(meta, { ...p.init, title: `${meta.title}: ${p.kind}` }));
}

/** The rule credential-named variables of the image config are filed under. */
const CONFIG_SECRET_RULE = 'BW-SECRET-020';

/** Variable names that hold credentials. */
export const SECRET_NAME =
  /(?:^|[_.-])(?:pass(?:word|wd|phrase)?|pwd|secret|secret_?key|token|api_?key|apikey|access_?key|private_?key|credentials?|auth)(?:$|[_.-])/i;
/** ...unless they name where a credential lives or something public about it. */
const NOT_SECRET_NAME = /(?:_(?:FILE|PATH|DIR|URL|URI|HOST|PORT|USER|USERNAME|NAME|ID|TYPE|LENGTH|LEN|MIN|MAX|ENABLED|REQUIRED|MODE)|_KEYRING|GPG_KEYS?|_FINGERPRINT|_SHA\d*)$/i;
const dummyValues = DUMMY_VALUES.map((p) => new RegExp(p, 'i'));

export function isCredentialAssignment(name: string, value: string): boolean {
  if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) return false;
  const v = value.trim().replace(/^["']|["']$/g, '');
  if (v.length < 4 || v.startsWith('/') || /^\d{1,5}$/.test(v)) return false;
  return !dummyValues.some((p) => p.test(v));
}

interface Occurrence {
  layerIndex: number;
  hit: SecretHit;
  state: 'final' | 'hidden' | 'gone';
  hidden?: HiddenFile;
}

function stateMessage(o: Occurrence): string {
  if (o.state === 'final') return `present in the final filesystem (layer ${o.layerIndex})`;
  if (o.hidden) {
    const verb = o.hidden.how === 'overwritten' ? 'overwritten' : 'deleted';
    return `${verb} in layer ${o.hidden.hiddenBy} but still extractable from layer ${o.layerIndex}`;
  }
  return `not in the final filesystem but still extractable from layer ${o.layerIndex}`;
}

function layerSecrets(ctx: ImageCheckContext, resolved: ResolvedSecrets, analyzerNames: string[]): PendingSecret[] {
  const hiddenBy = new Map<string, HiddenFile>();
  for (const h of ctx.scan.hidden) hiddenBy.set(`${h.layerIndex}|${h.meta.path}`, h);
  // group by (path, rule, value digest): one finding per secret per file, listing every layer holding it
  const groups = new Map<string, { path: string; rule: SecretRuleData; occ: Occurrence[] }>();
  ctx.scan.layers.forEach((l, i) => {
    const idx = l.layer.index ?? i;
    for (const an of analyzerNames) {
      const byPath = l.analyses?.[an];
      if (!byPath) continue;
      for (const [path, out] of Object.entries(byPath)) {
        if (!Array.isArray(out) || resolved.allowed(path)) continue;
        for (const hit of out as SecretHit[]) {
          const rule = resolved.byId.get(hit.rule);
          if (!rule) continue; // disabled
          if (resolved.allowedBy(path, rule.id)) continue; // test data, examples, docs of a vendored tree
          const fin = ctx.finalFile(path);
          const hidden = hiddenBy.get(`${idx}|${path}`);
          const state: Occurrence['state'] = fin && fin.layerIndex === idx ? 'final' : hidden ? 'hidden' : 'gone';
          const key = `${path}|${rule.id}|${hit.digest}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { path, rule, occ: [] }));
          if (g.occ.some((o) => o.layerIndex === idx)) continue; // same value again in the same file: first line wins
          g.occ.push({ layerIndex: idx, hit, state, ...(hidden ? { hidden } : {}) });
        }
      }
    }
  });

  const findings: PendingSecret[] = [];
  for (const g of groups.values()) {
    g.occ.sort((a, b) => a.layerIndex - b.layerIndex);
    const first = g.occ[0];
    const inFinal = g.occ.some((o) => o.state === 'final');
    const states = g.occ.map(stateMessage);
    const deleted = g.occ.filter((o) => o.state !== 'final');
    findings.push({
      ruleId: g.rule.ruleId,
      kind: g.rule.kind,
      init: {
        layerIndex: first.layerIndex,
        path: g.path,
        line: first.hit.line,
        severity: g.rule.severity,
        key: `${g.rule.id}|${first.hit.digest}`,
        message: `${g.rule.kind} in /${g.path}:${first.hit.line} (${first.hit.redacted}): ${states.join('; ')}`,
        evidence: {
          kind: g.rule.kind,
          rule: g.rule.id,
          redacted: first.hit.redacted,
          length: first.hit.length,
          inFinalFilesystem: inFinal,
          layers: g.occ.map((o) => ({
            index: o.layerIndex,
            digest: ctx.layerDigest(o.layerIndex),
            line: o.hit.line,
            state: o.state,
            ...(o.hidden ? { hiddenBy: o.hidden.hiddenBy, how: o.hidden.how } : {}),
          })),
          ...(deleted.length && !inFinal
            ? { deletedInLayer: deleted[deleted.length - 1].hidden?.hiddenBy, extractableFromLayers: deleted.map((o) => o.layerIndex) }
            : {}),
        },
      },
    });
  }
  return findings;
}

interface ConfigString {
  field: string;
  text: string;
  /** name=value pairs to check by name */
  assignments: Array<[string, string]>;
  layerIndex?: number;
  historyIndex?: number;
}

/** `|2 A=1 B=2 /bin/sh -c ...` (build args used by RUN) and `ENV A=1 B=2` in a history entry */
export function historyAssignments(createdBy: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const s = createdBy.replace(/^RUN\s+/, '');
  const m = /^\|(\d+)\s+/.exec(s);
  if (m) {
    let rest = s.slice(m[0].length);
    for (let k = 0; k < Number(m[1]) && k < 200; k++) {
      const a = /^([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)\s*/.exec(rest);
      if (!a) break;
      out.push([a[1], a[2]]);
      rest = rest.slice(a[0].length);
    }
  }
  const env = /(?:^|#\(nop\)\s+)ENV\s+(.*)$/.exec(createdBy.replace(/\s*# buildkit$/, ''));
  if (env) {
    const body = env[1];
    const pairs = [...body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)];
    if (pairs.length) for (const p of pairs) out.push([p[1], p[2]]);
    else {
      const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/.exec(body.trim());
      if (legacy) out.push([legacy[1], legacy[2]]);
    }
  }
  return out;
}

function configSecrets(ctx: ImageCheckContext, resolved: ResolvedSecrets): PendingSecret[] {
  const cfg = ctx.scan.image.config;
  const matcher = new SecretMatcher([...resolved.builtin, ...resolved.custom].filter((r) => r.config !== false && !r.fileOnly && !r.paths));
  const strings: ConfigString[] = [];
  const hist = cfg.history ?? [];
  const positions = historyLayerPositions(cfg, ctx.scan.image.layers.length);
  const made = layerMakingEntries(cfg, ctx.scan.image.layers.length);
  (cfg.config?.Env ?? []).forEach((e, i) => {
    const eq = e.indexOf('=');
    const name = eq >= 0 ? e.slice(0, eq) : e;
    const value = eq >= 0 ? e.slice(eq + 1) : '';
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    strings.push({
      field: `config.Env[${i}]`,
      text: e,
      assignments: [[name, value]],
      historyIndex: ctx.historyIndexOf(new RegExp(`\\bENV\\b.*\\b${esc}[= ]`)),
    });
  });
  for (const [k, v] of Object.entries(cfg.config?.Labels ?? {})) {
    const esc = k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    strings.push({ field: `config.Labels["${k}"]`, text: `${k}=${v}`, assignments: [[k, v]], historyIndex: ctx.historyIndexOf(new RegExp(`\\bLABEL\\b.*${esc}`)) });
  }
  hist.forEach((h, i) => {
    const by = h.created_by ?? '';
    if (!by) return;
    strings.push({
      field: `history[${i}].created_by`,
      text: by,
      assignments: historyAssignments(by),
      historyIndex: i,
      ...(made[i] ? { layerIndex: positions[i] } : {}),
    });
  });

  const findings: PendingSecret[] = [];
  const seen = new Map<string, PendingSecret>();
  for (const s of strings) {
    const emitted: Array<{ ruleId: string; kind: string; rule: string; redacted: string; length: number; digest: string; severity?: SecretRuleData['severity'] }> = [];
    for (const hit of matcher.scan(s.text, undefined, { configOnly: true })) {
      const rule = resolved.byId.get(hit.rule);
      if (!rule) continue;
      emitted.push({ ruleId: rule.ruleId, kind: rule.kind, rule: rule.id, redacted: hit.redacted, length: hit.length, digest: hit.digest, severity: rule.severity });
    }
    // a credential-named variable is a more telling report than the generic password pattern on the same value
    const generic = emitted.filter((e) => e.rule === 'generic-password');
    emitted.splice(0, emitted.length, ...emitted.filter((e) => e.rule !== 'generic-password'));
    for (const [name, raw] of s.assignments) {
      if (!isCredentialAssignment(name, raw)) continue;
      const value = raw.trim().replace(/^["']|["']$/g, '');
      emitted.push({ ruleId: CONFIG_SECRET_RULE, kind: `credential-named variable ${name}`, rule: 'config-credential', redacted: redact(value), length: value.length, digest: secretDigest(value) });
    }
    emitted.push(...generic);
    for (const e of emitted) {
      const prev = seen.get(e.digest);
      if (prev) {
        // the same value seen in Env and again in history (or in every RUN after an ARG): report it once
        const also = (prev.init.evidence!.alsoIn as string[]) ?? [];
        if (prev.init.field !== s.field && !also.includes(s.field)) also.push(s.field);
        prev.init.evidence!.alsoIn = also;
        continue;
      }
      const where = s.field.startsWith('history') ? `${s.field} (${s.layerIndex !== undefined ? `layer ${s.layerIndex}` : 'no layer'})` : s.field;
      findings.push({
        ruleId: e.ruleId,
        kind: e.kind,
        init: {
          field: s.field,
          layerIndex: s.layerIndex,
          historyIndex: s.historyIndex,
          key: `${e.rule}|${e.digest}`,
          ...(e.severity ? { severity: e.severity } : {}),
          message: `${e.kind} in ${where}: ${e.redacted}; visible to anyone who can inspect the image (docker inspect / docker history)`,
          evidence: { kind: e.kind, rule: e.rule, redacted: e.redacted, length: e.length, field: s.field, alsoIn: [] },
        },
      });
      seen.set(e.digest, findings[findings.length - 1]);
    }
  }
  return findings;
}
