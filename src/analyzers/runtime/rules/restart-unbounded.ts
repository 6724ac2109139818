import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-024',
  title: 'Restart policy without a retry cap',
  severity: 'low',
  stage: 'runtime',
  rationale:
    'always / unless-stopped / on-failure without a maximum (or above 5) restart a crashing container forever, hiding the fault and burning resources. (Docker Bench only checks the count and passes "always".)',
  remediation: 'Use --restart on-failure:5 (restart: on-failure:5, or deploy.restart_policy.max_attempts).',
  references: ['CIS-5.15'],
  tags: ['availability'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const r = spec.restart;
  if (!r || r.name === 'no' || r.name === '') return [];
  if (r.name === 'on-failure' && r.maxRetries !== undefined && r.maxRetries > 0 && r.maxRetries <= 5) return [];
  const detail = r.name === 'on-failure' ? (r.maxRetries ? `on-failure:${r.maxRetries} (more than 5)` : 'on-failure without a maximum') : r.name;
  return [hit(meta, spec, { fields: ['restart'], key: 'restart', message: `${who(spec)} restarts ${detail}`, evidence: { ...r } })];
});
