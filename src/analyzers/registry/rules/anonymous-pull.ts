import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-009',
  title: 'Anyone can pull images',
  severity: 'medium',
  stage: 'registry',
  rationale: 'Anonymous pull exposes every layer: configuration, source, and the secrets that images too often contain. Fine for a deliberately public registry, a leak for a private one.',
  remediation: 'Require authentication for pulls (or keep public images in a separate, deliberately public registry or project).',
  references: ['CWE-306', 'CWE-200'],
  tags: ['access'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const p = ev.anonymous.pull;
  if (!p || p.status !== 200) return [];
  return [
    registryFinding(meta, ev, {
      aspect: 'pull',
      key: 'anonymous-pull',
      message: `${ev.target} serves ${p.reference ? `the manifest of ${p.repository}:${p.reference}` : `the tags of ${p.repository}`} to anonymous clients`,
      evidence: { repository: p.repository, reference: p.reference },
    }),
  ];
});
