import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-030',
  title: 'SELinux separation disabled',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'label=disable turns off SELinux confinement for the container on SELinux hosts. (Docker adds it by itself for privileged and host-PID/IPC containers, which other rules already report, so those are not counted twice.)',
  remediation: 'Remove --security-opt label=disable.',
  references: ['CIS-5.3'],
  tags: ['confinement'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged || spec.pidMode === 'host' || spec.ipcMode === 'host') return [];
  if (!spec.securityOpt.labels.some((l) => l === 'disable' || l === 'disable:true')) return [];
  return [hit(meta, spec, { fields: ['securityOpt.label', 'securityOpt'], key: 'label', message: `${who(spec)} disables SELinux labelling` })];
});
