import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-004',
  title: 'Registry certificate expired or not yet valid',
  severity: 'high',
  stage: 'registry',
  rationale: 'Clients refuse an expired certificate, so operators end up listing the registry as insecure or skipping verification — after which any certificate, an attacker\'s included, is accepted.',
  remediation: 'Renew the certificate (and automate renewal); never work around it with insecure-registries or --tls-verify=false.',
  references: ['CWE-298', 'CWE-295'],
  tags: ['tls', 'certificate'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const c = ev.tls?.cert;
  if (!c) return [];
  const now = Date.now();
  if (Date.parse(c.validTo) < now) {
    return [registryFinding(meta, ev, { aspect: 'tls.certificate', key: `expired|${c.fingerprint256}`, message: `the certificate of ${ev.target} (${c.subject}) expired on ${c.validTo.slice(0, 10)}`, evidence: { validTo: c.validTo, subject: c.subject } })];
  }
  if (Date.parse(c.validFrom) > now) {
    return [registryFinding(meta, ev, { aspect: 'tls.certificate', key: `future|${c.fingerprint256}`, message: `the certificate of ${ev.target} (${c.subject}) is not valid before ${c.validFrom.slice(0, 10)}`, evidence: { validFrom: c.validFrom } })];
  }
  return [];
});
