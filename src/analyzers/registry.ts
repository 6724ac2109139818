/** The rule catalogue: every stage's rules, for `bulwark rules`, `bulwark explain` and SARIF. */
import type { Finding } from '../core/finding.js';
import type { RuleMeta } from '../core/rule.js';
import { buildRules } from './build/index.js';
import { imageRules } from './image/index.js';
import { runtimeRules } from './runtime/index.js';
import { daemonRules } from './daemon/index.js';
import { registryRules } from './registry/index.js';
import { pipelineRules } from './pipeline/index.js';
import { licenseRules } from './license/index.js';

let catalogue: Map<string, RuleMeta> | undefined;

export function allRules(): RuleMeta[] {
  return [...ruleMap().values()];
}

export function ruleMap(): Map<string, RuleMeta> {
  if (!catalogue) {
    catalogue = new Map();
    for (const r of [...buildRules, ...imageRules, ...registryRules, ...runtimeRules, ...daemonRules, ...pipelineRules, ...licenseRules]) {
      if (catalogue.has(r.id)) throw new Error(`duplicate rule id ${r.id}`);
      catalogue.set(r.id, r);
    }
  }
  return catalogue;
}

export function findRule(idOrRef: string): RuleMeta | undefined {
  const m = ruleMap();
  const direct = m.get(idOrRef) ?? m.get(idOrRef.toUpperCase());
  if (direct) return direct;
  const want = idOrRef.toUpperCase();
  return [...m.values()].find((r) => r.references.some((ref) => ref.toUpperCase() === want));
}

/** The catalogue entries of the rules these findings cite (for `Report.rules`), in first-cited order. */
export function rulesCitedBy(findings: Array<Pick<Finding, 'ruleId'>>): RuleMeta[] {
  const m = ruleMap();
  const out = new Map<string, RuleMeta>();
  for (const f of findings) {
    const r = m.get(f.ruleId);
    if (r && !out.has(r.id)) out.set(r.id, r);
  }
  return [...out.values()];
}
