import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-015',
  title: 'No PIDs limit',
  severity: 'low',
  stage: 'runtime',
  rationale: 'Without a PIDs cgroup limit a fork bomb in the container exhausts the host process table.',
  remediation: 'Set --pids-limit (pids_limit or deploy.resources.limits.pids), e.g. 200.',
  references: ['CIS-5.29'],
  tags: ['resources'],
  autoFixable: true,
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  // Kubernetes sets PID limits per node (kubelet podPidsLimit), not in the manifest
  if (spec.frontEnd === 'k8s') return [];
  if (spec.pidsLimit !== undefined && spec.pidsLimit > 0) return [];
  return [
    hit(meta, spec, {
      fields: ['pidsLimit'],
      key: 'pids',
      message: `${who(spec)} has no PIDs limit${spec.pidsLimit === -1 ? ' (explicitly unlimited)' : ''}`,
    }),
  ];
});
