import type { RuleMeta } from '../../../core/rule.js';
import { hit, who, type RuntimeRule } from '../types.js';

export const meta: RuleMeta = {
  id: 'BW-RUNTIME-005',
  title: 'Host PID namespace shared',
  severity: 'high',
  stage: 'runtime',
  rationale: "The container sees every host process; with SYS_PTRACE or as root it can signal, inspect or inject into them and read their environment.",
  remediation: "Remove --pid host / pid: host.",
  references: ['CIS-5.16', 'KSV010', 'AVD-KSV-0010'],
  tags: ['namespaces'],
};

export const rule: RuntimeRule = {
  meta,
  check(spec) {
    if (spec.pidMode !== 'host') return [];
    return [hit(meta, spec, { fields: ['pidMode'], key: 'pidMode', message: `${who(spec)} uses the host PID mode` })];
  },
};
