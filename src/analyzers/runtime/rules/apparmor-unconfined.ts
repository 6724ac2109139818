import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-019',
  title: 'AppArmor disabled',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    "docker-default AppArmor confines writes to /proc and /sys and mounts; apparmor=unconfined removes that layer. (Docker Bench flags every container on hosts without AppArmor; Bulwark flags only an explicit opt-out.)",
  remediation: 'Remove apparmor=unconfined; use docker-default or a custom profile.',
  references: ['CIS-5.2', 'KSV002', 'AVD-KSV-0002'],
  tags: ['confinement'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged || spec.securityOpt.apparmor !== 'unconfined') return [];
  return [hit(meta, spec, { fields: ['securityOpt.apparmor', 'securityOpt'], key: 'apparmor', message: `${who(spec)} runs with apparmor=unconfined` })];
});
