/**
 * Licence classification: a declared licence (an SPDX expression, or the free text a package database writes) ->
 * one of Trivy's categories (data/categories.json, with its provenance), and the severity Trivy gives it.
 *
 * An expression is classified from its parts: `A AND B` takes the more severe category (both apply), `A OR B` the
 * less severe one (the user may choose), `A WITH exception` is A; an unknown part makes the whole unknown. Words
 * next to each other without an operator (`MIT BSD-2-Clause`, as older Alpine packages write) and `,` / `;` lists
 * are read as AND. Parsing is bounded: a declaration over 500 characters is unknown.
 */
import { createRequire } from 'node:module';
import type { Severity } from '../../core/finding.js';

export type LicenseCategory = 'forbidden' | 'restricted' | 'reciprocal' | 'notice' | 'permissive' | 'unencumbered' | 'unknown';

interface CategoryTable {
  source: string;
  categories: Record<Exclude<LicenseCategory, 'unknown'>, string[]>;
  aliases: Record<string, string>;
}

/** Severity per category, as Trivy's licence scanner rates them. */
export const CATEGORY_SEVERITY: Record<LicenseCategory, Severity> = {
  forbidden: 'critical',
  restricted: 'high',
  reciprocal: 'medium',
  notice: 'low',
  permissive: 'low',
  unencumbered: 'low',
  unknown: 'unknown',
};

const RANK: Record<LicenseCategory, number> = { unencumbered: 0, permissive: 0, notice: 0, reciprocal: 1, restricted: 2, forbidden: 3, unknown: -1 };

let table: { byId: Map<string, { id: string; category: LicenseCategory }>; aliases: Map<string, string>; source: string } | undefined;

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

function load(): NonNullable<typeof table> {
  if (table) return table;
  const require = createRequire(import.meta.url);
  const t = require('./data/categories.json') as CategoryTable;
  const byId = new Map<string, { id: string; category: LicenseCategory }>();
  for (const [cat, ids] of Object.entries(t.categories)) for (const id of ids) byId.set(id.toLowerCase(), { id, category: cat as LicenseCategory });
  const aliases = new Map<string, string>();
  for (const [k, v] of Object.entries(t.aliases)) aliases.set(fold(k), v);
  table = { byId, aliases, source: t.source };
  return table;
}

/** Where the classification comes from (for the rules' rationale and the report). */
export function categorySource(): string {
  return load().source;
}

export interface LicenseClass {
  /** the declared text */
  declared: string;
  category: LicenseCategory;
  severity: Severity;
  /** the SPDX IDs the declaration was read as (known ones), for the report */
  ids: string[];
}

/** One licence name -> its SPDX ID and category (suffixes -only, -or-later, + dropped; aliases applied). */
export function classifyId(name: string): { id: string; category: LicenseCategory } | undefined {
  const t = load();
  let s = name.trim();
  if (!s) return undefined;
  const alias = t.aliases.get(fold(s));
  if (alias) s = alias;
  const direct = t.byId.get(s.toLowerCase());
  if (direct) return direct;
  const base = s.replace(/\+$/, '').replace(/-(only|or-later)$/i, '').replace(/\+$/, '');
  const again = t.aliases.get(fold(base));
  return t.byId.get((again ?? base).toLowerCase());
}

type Tok = { op: 'AND' | 'OR' | 'WITH' | '(' | ')' } | { word: string };

function tokenize(s: string): Tok[] | undefined {
  const out: Tok[] = [];
  for (const raw of s.split(/(\(|\)|,|;|\s+)/)) {
    if (!raw || /^\s+$/.test(raw)) continue;
    if (raw === '(' || raw === ')') out.push({ op: raw });
    else if (raw === ',' || raw === ';') out.push({ op: 'AND' });
    else {
      const up = raw.toUpperCase();
      if (up === 'AND' || up === 'OR' || up === 'WITH') out.push({ op: up });
      else out.push({ word: raw });
    }
  }
  return out;
}

const worse = (a: LicenseCategory, b: LicenseCategory) => (RANK[a] >= RANK[b] ? a : b);
const better = (a: LicenseCategory, b: LicenseCategory) => (RANK[a] <= RANK[b] ? a : b);

/**
 * Classify a whole declaration. A multi-word free-text name ("MIT License", "GNU General Public License v2
 * (GPLv2)") is tried as one name first, then as an expression.
 */
export function classifyLicense(declared: string): LicenseClass {
  const text = declared.trim();
  const unknown = (ids: string[] = []): LicenseClass => ({ declared, category: 'unknown', severity: 'unknown', ids });
  if (!text || text.length > 500) return unknown();
  const whole = classifyId(text);
  if (whole) return { declared, category: whole.category, severity: CATEGORY_SEVERITY[whole.category], ids: [whole.id] };
  const toks = tokenize(text);
  if (!toks?.length) return unknown();
  const ids: string[] = [];
  let i = 0;
  let failed = false;
  // expr := and ('OR' and)* ; and := unit (('AND')? unit)* ; unit := '(' expr ')' | word ('WITH' word)?
  const unit = (): LicenseCategory => {
    const t = toks[i];
    if (!t) return ((failed = true), 'unknown');
    if ('op' in t) {
      if (t.op !== '(') return ((failed = true), 'unknown');
      i++;
      const c = expr();
      if (!(toks[i] && 'op' in toks[i]! && (toks[i] as { op: string }).op === ')')) return ((failed = true), 'unknown');
      i++;
      return c;
    }
    i++;
    const hit = classifyId(t.word);
    const nx = toks[i];
    if (nx && 'op' in nx && nx.op === 'WITH') {
      i++;
      if (!toks[i] || 'op' in toks[i]!) return ((failed = true), 'unknown');
      i++;
    }
    if (!hit) return 'unknown';
    ids.push(hit.id);
    return hit.category;
  };
  const and = (): LicenseCategory => {
    let c = unit();
    for (;;) {
      const t = toks[i];
      if (!t || failed) return c;
      if ('op' in t && (t.op === 'OR' || t.op === ')')) return c;
      if ('op' in t && t.op === 'AND') i++;
      const d = unit();
      c = c === 'unknown' || d === 'unknown' ? 'unknown' : worse(c, d);
    }
  };
  const expr = (): LicenseCategory => {
    let c = and();
    while (!failed && toks[i] && 'op' in toks[i]! && (toks[i] as { op: string }).op === 'OR') {
      i++;
      const d = and();
      c = c === 'unknown' || d === 'unknown' ? 'unknown' : better(c, d);
    }
    return c;
  };
  const c = expr();
  if (failed || i !== toks.length) return unknown(ids);
  return { declared, category: c, severity: CATEGORY_SEVERITY[c], ids };
}
