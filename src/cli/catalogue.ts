/**
 * The rule catalogue for `bulwark rules` and `bulwark explain`. The built package carries it as
 * dist/rule-catalogue.json (written by scripts/postbuild.mjs from the registry itself), so listing rules loads
 * no analyzer; from src/ (tsx) or when that file is missing or from another version, the registry is loaded.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleMeta } from '../core/rule.js';
import { TOOL_VERSION } from '../core/version.js';

const CATALOGUE = join(dirname(fileURLToPath(import.meta.url)), '..', 'rule-catalogue.json');

/** Every rule in registry order, as plain data. */
export async function ruleCatalogueFromRegistry(): Promise<RuleMeta[]> {
  const { allRules } = await import('../analyzers/registry.js');
  return JSON.parse(JSON.stringify(allRules())) as RuleMeta[];
}

let cached: RuleMeta[] | undefined;

export async function ruleCatalogue(): Promise<RuleMeta[]> {
  if (cached) return cached;
  try {
    const doc = JSON.parse(readFileSync(CATALOGUE, 'utf8')) as { version?: string; rules?: RuleMeta[] };
    if (doc.version === TOOL_VERSION && Array.isArray(doc.rules)) return (cached = doc.rules);
  } catch {
    /* not built: read the registry */
  }
  return (cached = await ruleCatalogueFromRegistry());
}

/** A rule by its Bulwark ID, or by an upstream ID it maps to (DL3008, CIS-5.4, DS002). */
export function findInCatalogue(rules: RuleMeta[], idOrRef: string): RuleMeta | undefined {
  const want = idOrRef.toUpperCase();
  return rules.find((r) => r.id === idOrRef || r.id.toUpperCase() === want) ?? rules.find((r) => r.references.some((ref) => ref.toUpperCase() === want));
}
