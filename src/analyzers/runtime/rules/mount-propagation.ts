import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-011',
  title: 'Shared mount propagation',
  severity: 'medium',
  stage: 'runtime',
  rationale: 'With shared (rshared) propagation, mounts made inside the container appear on the host and the other way round.',
  remediation: 'Use the default (rprivate) propagation, or rslave when the container must see host mounts.',
  references: ['CIS-5.20'],
  tags: ['mounts'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const out = [];
  for (const [i, m] of spec.mounts.entries()) {
    if (m.propagation !== 'shared' && m.propagation !== 'rshared') continue;
    out.push(
      hit(meta, spec, {
        fields: [`mounts.${i}`, 'mounts'],
        key: `${m.source ?? ''}>${m.target}`,
        message: `${who(spec)} mounts ${m.source ?? '(volume)'} at ${m.target} with ${m.propagation} propagation`,
      }),
    );
  }
  return out;
});
