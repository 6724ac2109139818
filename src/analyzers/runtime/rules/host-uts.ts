import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-007',
  title: 'Host UTS namespace shared',
  severity: 'medium',
  stage: 'runtime',
  rationale: "The container shares the host's hostname and NIS domain and can change them for the whole host.",
  remediation: "Remove --uts host / uts: host.",
  references: ['CIS-5.21'],
  tags: ['namespaces'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.utsMode !== 'host') return [];
  return [hit(meta, spec, { fields: ['utsMode'], key: 'utsMode', message: `${who(spec)} uses the host UTS mode` })];
});
