import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerImageInput } from '../rule.js';
import { hit, who } from '../../runtime/types.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-031',
  title: 'Docker Content Trust turned off for a container',
  severity: 'medium',
  stage: 'registry',
  rationale:
    '`docker run --disable-content-trust` skips signature verification for the image it pulls, whatever DOCKER_CONTENT_TRUST says; a container whose environment sets DOCKER_CONTENT_TRUST=0 (a CI runner, a docker-in-docker service) pulls everything it runs unverified.',
  remediation: 'Drop --disable-content-trust and the DOCKER_CONTENT_TRUST=0 setting; sign images and verify them (DOCKER_CONTENT_TRUST=1, cosign, a policy controller).',
  references: ['CIS-4.5'],
  tags: ['supply-chain', 'signature'],
};

const OFF = /^(0|false|no|off)?$/i;

export default defineRule<ContainerImageInput>(meta, ({ spec }) => {
  const out = [];
  if (spec.disableContentTrust) {
    out.push(hit(meta, spec, { fields: ['disableContentTrust'], key: 'disable-content-trust', message: `${who(spec)} is started with --disable-content-trust: its image is pulled without signature verification`, severity: 'high' }));
  }
  for (const e of spec.env) {
    if (e.name === 'DOCKER_CONTENT_TRUST' && e.value !== undefined && OFF.test(e.value.trim())) {
      out.push(hit(meta, spec, { fields: ['env.DOCKER_CONTENT_TRUST', 'env'], key: 'env|DOCKER_CONTENT_TRUST', message: `${who(spec)} sets DOCKER_CONTENT_TRUST=${e.value}: docker pulls made inside it skip signature verification`, evidence: { from: e.from } }));
    }
  }
  return out;
});
