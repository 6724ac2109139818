import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-001',
  title: 'Container runs privileged',
  severity: 'high',
  stage: 'runtime',
  rationale:
    'A privileged container gets every capability, every host device, no seccomp or AppArmor confinement and writable /sys: it is root on the host in all but name.',
  remediation: 'Remove --privileged / `privileged: true`; add only the capabilities and devices the workload needs.',
  references: ['CIS-5.5', 'KSV017', 'AVD-KSV-0017'],
  tags: ['privilege'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (!spec.privileged) return [];
  return [hit(meta, spec, { fields: ['privileged'], key: 'privileged', message: `${who(spec)} runs privileged` })];
});
