import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-010',
  title: 'Anyone can push images',
  severity: 'critical',
  stage: 'registry',
  rationale:
    'With anonymous push anyone who reaches the registry can overwrite a tag with an image of their own; every host that pulls it next runs the attacker\'s code. (Bulwark\'s probe only starts a blob upload and cancels it.)',
  remediation: 'Require authentication for pushes and give push rights only to CI identities (distribution: any auth backend; token services: no anonymous push scope).',
  references: ['CWE-306', 'CWE-494', 'CIS-4.2'],
  tags: ['access', 'supply-chain'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const p = ev.anonymous.push;
  if (p.status !== 202) return [];
  return [
    registryFinding(meta, ev, {
      aspect: 'push',
      key: 'anonymous-push',
      message: `${ev.target} accepted an anonymous blob upload to ${p.repository} (the probe ${p.cancelled ? 'cancelled it' : `could not cancel it: status ${p.cancelStatus ?? 'none'}`})`,
      evidence: { repository: p.repository, cancelled: p.cancelled ?? false },
    }),
  ];
});
