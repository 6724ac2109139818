/**
 * The rule catalogue use cases (`bulwark rules`, `bulwark explain`). The built package carries the catalogue as
 * dist/rule-catalogue.json (written by scripts/postbuild.mjs from the registry itself), so listing rules loads
 * no analyzer; from src/ (tsx), or when that file is missing or from another version, the registry is loaded.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleMeta } from '../core/rule.js';
import { UserError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';

const CATALOGUE = join(dirname(fileURLToPath(import.meta.url)), '..', 'rule-catalogue.json');

/** Every rule in registry order, as plain data (what the build writes to dist/rule-catalogue.json). */
export async function ruleCatalogueFromRegistry(): Promise<RuleMeta[]> {
  const { allRules } = await import('../analyzers/registry.js');
  return JSON.parse(JSON.stringify(allRules())) as RuleMeta[];
}

/**
 * The built catalogue read synchronously (undefined when there is none of this version: running from src/, or a
 * stale dist/). What report rendering uses to cite rules without loading every stage's analyzers.
 */
export function builtCatalogue(): RuleMeta[] | undefined {
  try {
    const doc = JSON.parse(readFileSync(CATALOGUE, 'utf8')) as { version?: string; rules?: RuleMeta[] };
    if (doc.version === TOOL_VERSION && Array.isArray(doc.rules)) return doc.rules;
  } catch {
    /* not built */
  }
  return undefined;
}

let cached: RuleMeta[] | undefined;
/** The catalogue's rules sorted by ID, as the build wrote them (sorting here needs an ICU collator: 20 ms). */
let cachedSorted: RuleMeta[] | undefined;

/** Every rule, in registry order: from the built catalogue when there is one of this version. */
export async function ruleCatalogue(): Promise<RuleMeta[]> {
  if (cached) return cached;
  try {
    const doc = JSON.parse(readFileSync(CATALOGUE, 'utf8')) as { version?: string; rules?: RuleMeta[]; byId?: number[] };
    if (doc.version === TOOL_VERSION && Array.isArray(doc.rules)) {
      const rules = doc.rules;
      if (Array.isArray(doc.byId) && doc.byId.length === rules.length) {
        const sorted = doc.byId.map((i) => rules[i]);
        if (sorted.every((r) => r !== undefined)) cachedSorted = sorted as RuleMeta[];
      }
      return (cached = rules);
    }
  } catch {
    /* not built: read the registry */
  }
  return (cached = await ruleCatalogueFromRegistry());
}

/** The positions of `rules` in ID order (numeric-aware: BW-IMG-2 before BW-IMG-10). */
export function ruleOrder(rules: readonly RuleMeta[]): number[] {
  const byId = new Intl.Collator('en', { numeric: true }).compare;
  return rules.map((_, i) => i).sort((a, b) => byId(rules[a]!.id, rules[b]!.id));
}

/** Every rule (of one stage), sorted by ID. */
export async function listRules(opts: { stage?: string } = {}): Promise<RuleMeta[]> {
  const all = await ruleCatalogue();
  let rules = cachedSorted ?? ruleOrder(all).map((i) => all[i]!);
  if (opts.stage) rules = rules.filter((r) => r.stage === opts.stage);
  return rules;
}

/** One rule by its Bulwark ID or an upstream ID (DL3008, DS002, CIS-5.4, ...). */
export async function explainRule(id: string): Promise<RuleMeta> {
  const rules = await ruleCatalogue();
  const want = id.toUpperCase();
  const r = rules.find((x) => x.id === id || x.id.toUpperCase() === want) ?? rules.find((x) => x.references.some((ref) => ref.toUpperCase() === want));
  if (!r) throw new UserError(`no rule '${id}' (see 'bulwark rules')`, 2);
  return r;
}
