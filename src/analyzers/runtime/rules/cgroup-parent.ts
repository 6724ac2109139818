import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-029',
  title: 'Custom cgroup parent',
  severity: 'medium',
  stage: 'runtime',
  rationale: 'A non-default cgroup parent places the container outside the limits Docker manages; it can share or escape the resource accounting of other groups.',
  remediation: 'Remove --cgroup-parent / cgroup_parent unless it is part of a deliberate resource design.',
  references: ['CIS-5.25'],
  tags: ['resources'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (!spec.cgroupParent) return [];
  return [hit(meta, spec, { fields: ['cgroupParent'], key: 'cgroup-parent', message: `${who(spec)} uses cgroup parent ${spec.cgroupParent}` })];
});
