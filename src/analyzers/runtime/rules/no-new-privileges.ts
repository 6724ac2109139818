import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-017',
  title: 'no-new-privileges not set',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'Without no-new-privileges a process can gain privileges through setuid/setgid binaries or file capabilities. Unlike Docker Bench, `no-new-privileges=false` counts as not set.',
  remediation: 'Add --security-opt no-new-privileges:true (security_opt: [no-new-privileges:true]).',
  references: ['CIS-5.26', 'KSV001', 'AVD-KSV-0001'],
  tags: ['privilege'],
  autoFixable: true,
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.securityOpt.noNewPrivileges) return [];
  return [
    hit(meta, spec, {
      fields: ['securityOpt'],
      key: 'nnp',
      message: `${who(spec)} can gain new privileges (no-new-privileges ${spec.securityOpt.noNewPrivileges === false ? 'is false' : 'not set'})`,
    }),
  ];
});
