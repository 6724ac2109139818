import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-023',
  title: 'Container on the default bridge network',
  severity: 'low',
  stage: 'runtime',
  rationale:
    'On the default docker0 bridge every container can talk to every other one (inter-container communication is on unless the daemon sets icc=false) and there is no DNS isolation.',
  remediation: 'Attach the container to a user-defined network (docker network create; compose does this per project).',
  references: ['CIS-5.30'],
  tags: ['network'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const mode = spec.networkMode ?? 'default';
  const onDefault = mode === 'default' || mode === 'bridge' || (mode === '' && spec.networks.length === 0) || spec.networks.includes('bridge');
  if (!onDefault) return [];
  return [hit(meta, spec, { fields: ['networkMode'], key: 'bridge', message: `${who(spec)} is attached to the default bridge network` })];
});
