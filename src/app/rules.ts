/** The rule catalogue use cases (`bulwark rules`, `bulwark explain`). */
import type { RuleMeta } from '../core/rule.js';
import { UserError } from '../core/errors.js';
import { allRules, findRule } from '../analyzers/registry.js';

/** Every rule (of one stage), sorted by ID. */
export function listRules(opts: { stage?: string } = {}): RuleMeta[] {
  let rules = allRules();
  if (opts.stage) rules = rules.filter((r) => r.stage === opts.stage);
  return rules.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** One rule by its Bulwark ID or an upstream ID (DL3008, DS002, CIS-5.4, ...). */
export function explainRule(id: string): RuleMeta {
  const r = findRule(id);
  if (!r) throw new UserError(`no rule '${id}' (see 'bulwark rules')`, 2);
  return r;
}
