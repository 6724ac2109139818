import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-014',
  title: 'No CPU limit or shares',
  severity: 'low',
  stage: 'runtime',
  rationale: 'Without a CPU limit or relative weight a busy container can starve the others. Unlike Docker Bench, a CFS quota or a cpuset counts as a limit.',
  remediation: 'Set --cpus (cpus or deploy.resources.limits.cpus), or --cpu-shares.',
  references: ['CIS-5.12', 'KSV011', 'AVD-KSV-0011'],
  tags: ['resources'],
  autoFixable: true,
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if ((spec.cpus ?? 0) > 0 || (spec.cpuShares ?? 0) > 0 || (spec.cpuQuota ?? 0) > 0 || spec.cpusetCpus) return [];
  return [hit(meta, spec, { fields: ['cpus'], key: 'cpu', message: `${who(spec)} has no CPU limit or shares` })];
});
