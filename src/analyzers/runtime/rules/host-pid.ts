import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-005',
  title: 'Host PID namespace shared',
  severity: 'high',
  stage: 'runtime',
  rationale: "The container sees every host process; with SYS_PTRACE or as root it can signal, inspect or inject into them and read their environment.",
  remediation: "Remove --pid host / pid: host.",
  references: ['CIS-5.16', 'KSV010', 'AVD-KSV-0010'],
  tags: ['namespaces'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.pidMode !== 'host') return [];
  return [hit(meta, spec, { fields: ['pidMode'], key: 'pidMode', message: `${who(spec)} uses the host PID mode` })];
});
