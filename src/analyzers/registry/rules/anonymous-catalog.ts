import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-008',
  title: 'Anyone can list the registry\'s repositories',
  severity: 'medium',
  stage: 'registry',
  rationale: 'An anonymous /v2/_catalog hands out the inventory of every repository: internal project names, and the targets for pulling images with secrets baked in.',
  remediation: 'Require authentication for the whole API (distribution: auth.htpasswd or auth.token), or restrict registry:catalog:* to administrators in the token service.',
  references: ['CWE-200', 'CWE-306'],
  tags: ['access'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const c = ev.anonymous.catalog;
  if (c.status !== 200) return [];
  const repos = c.repositories ?? [];
  return [
    registryFinding(meta, ev, {
      aspect: '/v2/_catalog',
      key: 'anonymous-catalog',
      message: `${ev.target} lists its repositories to anonymous clients${repos.length ? ` (${repos.length}${repos.length >= 100 ? '+' : ''}: ${repos.slice(0, 5).join(', ')}${repos.length > 5 ? ', ...' : ''})` : ''}`,
      evidence: { repositories: repos.slice(0, 20) },
    }),
  ];
});
