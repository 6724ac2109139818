import type { RuleMeta } from '../../../core/rule.js';
import { hit, who, type RuntimeRule } from '../types.js';

export const meta: RuleMeta = {
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

export const rule: RuntimeRule = {
  meta,
  check(spec) {
    if (spec.memory && spec.memory > 0) return [];
    return [hit(meta, spec, { fields: ['memory'], key: 'memory', message: `${who(spec)} has no memory limit` })];
  },
};
