import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-013',
  title: 'No memory limit',
  severity: 'medium',
  stage: 'runtime',
  rationale: 'Without a memory limit one container can exhaust host memory and get other workloads, or the daemon, OOM-killed (denial of service).',
  remediation: 'Set --memory (mem_limit or deploy.resources.limits.memory).',
  references: ['CIS-5.11', 'KSV018', 'AVD-KSV-0018'],
  tags: ['resources'],
  autoFixable: true,
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.memory && spec.memory > 0) return [];
  return [hit(meta, spec, { fields: ['memory'], key: 'memory', message: `${who(spec)} has no memory limit` })];
});
