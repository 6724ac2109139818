/**
 * OpenVEX (https://github.com/openvex/spec, v0.2.0; the v0.0.x shapes are read too).
 *
 * A statement applies to a finding when its vulnerability name (or one of its aliases) is the
 * finding's id or one of the finding's aliases, and its products (or their subcomponents) name the
 * finding's package purl (version and qualifiers optional) or the image; a statement with no
 * products applies to every package. When several statements apply, the latest timestamp wins.
 * - not_affected + justification (or impact_statement): the finding is suppressed
 *   (`suppressed = { kind: 'vex', reason: 'not_affected: <justification>' }`); a not_affected
 *   statement with neither is invalid per the spec and ignored with a warning;
 * - fixed: suppressed with reason "fixed" (the author states the product carries the fix);
 * - affected: kept; the action_statement is added to the remediation;
 * - under_investigation: kept; noted in the evidence.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexStatement {
  vulnerability: string;
  vulnAliases: string[];
  products: string[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  actionStatement?: string;
  timestamp?: string;
  source: string;
}

const STATUSES = new Set(['not_affected', 'affected', 'fixed', 'under_investigation']);

function idOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (typeof o['@id'] === 'string') return o['@id'];
    if (typeof o.name === 'string') return o.name;
    const ids = o.identifiers as Record<string, unknown> | undefined;
    if (ids && typeof ids.purl === 'string') return ids.purl;
  }
  return undefined;
}

export function parseVex(text: string, source: string): VexStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${source}: not a JSON OpenVEX document (${(e as Error).message})`);
  }
  const d = doc as Record<string, unknown>;
  if (!d || typeof d !== 'object' || typeof d['@context'] !== 'string' || !String(d['@context']).includes('openvex')) {
    throw new InputError(`${source}: not an OpenVEX document (no openvex @context)`);
  }
  if (!Array.isArray(d.statements)) throw new InputError(`${source}: OpenVEX document has no statements array`);
  const docTime = typeof d.timestamp === 'string' ? d.timestamp : undefined;
  const out: VexStatement[] = [];
  d.statements.forEach((s: unknown, i: number) => {
    const st = s as Record<string, unknown>;
    const vuln = st?.vulnerability;
    const name = idOf(vuln);
    if (!name) throw new InputError(`${source}: statements[${i}] has no vulnerability name`);
    const status = st.status;
    if (typeof status !== 'string' || !STATUSES.has(status)) throw new InputError(`${source}: statements[${i}] has an unknown status '${String(status)}'`);
    const aliases =
      vuln && typeof vuln === 'object' && Array.isArray((vuln as Record<string, unknown>).aliases)
        ? ((vuln as Record<string, unknown>).aliases as unknown[]).filter((a): a is string => typeof a === 'string')
        : [];
    const products: string[] = [];
    for (const p of Array.isArray(st.products) ? st.products : []) {
      const pid = idOf(p);
      if (pid) products.push(pid);
      const subs = (p as Record<string, unknown>)?.subcomponents;
      if (Array.isArray(subs)) for (const sc of subs) {
        const sid = idOf(sc);
        if (sid) products.push(sid);
      }
    }
    out.push({
      vulnerability: name,
      vulnAliases: aliases,
      products,
      status: status as VexStatus,
      justification: typeof st.justification === 'string' ? st.justification : undefined,
      impactStatement: typeof st.impact_statement === 'string' ? st.impact_statement : undefined,
      actionStatement: typeof st.action_statement === 'string' ? st.action_statement : undefined,
      timestamp: typeof st.timestamp === 'string' ? st.timestamp : docTime,
      source: `${source}#statements[${i}]`,
    });
  });
  return out;
}

export function loadVex(path: string): VexStatement[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`VEX file not found: ${path}`);
  }
  return parseVex(text, path);
}

/** purl without version / qualifiers / subpath, and its version */
function purlBase(p: string): { base: string; version?: string } {
  const noQ = p.split('#')[0]!.split('?')[0]!;
  const at = noQ.lastIndexOf('@');
  if (at > noQ.indexOf('/') && at > 0) return { base: decodeURIComponent(noQ.slice(0, at)).toLowerCase(), version: decodeURIComponent(noQ.slice(at + 1)) };
  return { base: decodeURIComponent(noQ).toLowerCase() };
}

function productMatches(product: string, f: Finding): boolean {
  const v = f.vulnerability!;
  if (product.startsWith('pkg:')) {
    const want = purlBase(product);
    const have = purlBase(v.package.purl ?? '');
    if (!have.base) return false;
    if (want.base !== have.base) return false;
    return !want.version || want.version === have.version || want.version === v.package.version;
  }
  const img = f.location.kind === 'image' ? f.location.image : '';
  return product === img || product === `docker:${img}` || (f.location.kind === 'image' && product === f.location.layerDigest);
}

/** Applies VEX statements to vulnerability findings in place; returns warnings. */
export function applyVex(findings: Finding[], statements: VexStatement[]): string[] {
  const warnings: string[] = [];
  const sorted = [...statements].sort((a, b) => (a.timestamp ?? '').localeCompare(b.timestamp ?? ''));
  for (const f of findings) {
    const v = f.vulnerability;
    if (!v) continue;
    const ids = new Set([v.id, ...v.aliases]);
    let chosen: VexStatement | undefined;
    for (const s of sorted) {
      if (!ids.has(s.vulnerability) && !s.vulnAliases.some((a) => ids.has(a))) continue;
      if (s.products.length && !s.products.some((p) => productMatches(p, f))) continue;
      if (s.status === 'not_affected' && !s.justification && !s.impactStatement) {
        warnings.push(`${s.source}: not_affected for ${s.vulnerability} has neither justification nor impact_statement; ignored`);
        continue;
      }
      chosen = s; // later statements override earlier ones
    }
    if (!chosen) continue;
    f.evidence = { ...(f.evidence ?? {}), vex: { status: chosen.status, source: chosen.source, justification: chosen.justification } };
    if (chosen.status === 'not_affected') {
      f.suppressed = { kind: 'vex', reason: `not_affected: ${chosen.justification ?? chosen.impactStatement}`, source: chosen.source };
    } else if (chosen.status === 'fixed') {
      f.suppressed = { kind: 'vex', reason: 'fixed (VEX: the product carries the fix)', source: chosen.source };
    } else if (chosen.status === 'affected' && chosen.actionStatement) {
      f.remediation = { ...f.remediation, text: `${f.remediation.text}; VEX: ${chosen.actionStatement}` };
    }
  }
  return [...new Set(warnings)];
}
