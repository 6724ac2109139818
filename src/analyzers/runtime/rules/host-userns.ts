import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-008',
  title: 'Host user namespace shared',
  severity: 'medium',
  stage: 'runtime',
  rationale: "When the daemon remaps users (userns-remap), --userns host turns that protection off for this container: its root is host root.",
  remediation: "Remove --userns host / userns_mode: host.",
  references: ['CIS-5.31'],
  tags: ['namespaces'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.usernsMode !== 'host') return [];
  return [hit(meta, spec, { fields: ['usernsMode'], key: 'usernsMode', message: `${who(spec)} uses the host user namespace mode` })];
});
