import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-012',
  title: 'Registry allows deleting images',
  severity: 'medium',
  stage: 'registry',
  rationale:
    'With deletes enabled, a compromised (or anonymous) client can remove manifests that deployments pin by digest, breaking rollbacks and incident forensics; where anonymous clients may delete, anyone can. (Bulwark\'s probe asks to delete a digest that cannot exist.)',
  remediation: 'Disable deletes (distribution: storage.delete.enabled: false) or restrict them to an administrative identity and run garbage collection in maintenance windows.',
  references: ['CWE-284'],
  tags: ['access'],
};

/** distribution answers 405 UNSUPPORTED when deletes are off, 404 MANIFEST_UNKNOWN / 202 when they are on */
function enabled(status: number | undefined): boolean {
  return status === 404 || status === 202;
}

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const anon = ev.anonymous.delete;
  if (enabled(anon.status)) {
    return [registryFinding(meta, ev, { aspect: 'delete', key: 'deletes-anonymous', severity: 'high', message: `${ev.target} has deletes enabled and lets anonymous clients ask for them (DELETE of a manifest in ${anon.repository} answered ${anon.status}${anon.code ? ` ${anon.code}` : ''}, not 405)`, evidence: { status: anon.status, code: anon.code, anonymous: true } })];
  }
  const auth = ev.authenticated?.delete;
  if (auth && enabled(auth.status)) {
    return [registryFinding(meta, ev, { aspect: 'delete', key: 'deletes-enabled', message: `${ev.target} has deletes enabled (an authenticated DELETE of a manifest in ${auth.repository} answered ${auth.status}${auth.code ? ` ${auth.code}` : ''}, not 405)`, evidence: { status: auth.status, code: auth.code, anonymous: false } })];
  }
  return [];
});
