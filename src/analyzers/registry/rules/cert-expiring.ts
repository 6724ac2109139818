import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-007',
  title: 'Registry certificate expires within 30 days',
  severity: 'low',
  stage: 'registry',
  rationale: 'An expiring certificate becomes an outage, and outages of a registry are commonly "fixed" by turning verification off.',
  remediation: 'Renew the certificate now and automate renewal (ACME, cert-manager).',
  references: ['CWE-298'],
  tags: ['tls', 'certificate'],
};

const DAYS = 30;

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const c = ev.tls?.cert;
  if (!c) return [];
  const left = (Date.parse(c.validTo) - Date.now()) / 86_400_000;
  if (left < 0 || left > DAYS) return [];
  return [registryFinding(meta, ev, { aspect: 'tls.certificate', key: `expiring|${c.fingerprint256}`, message: `the certificate of ${ev.target} expires on ${c.validTo.slice(0, 10)} (in ${Math.floor(left)} days)`, evidence: { validTo: c.validTo, daysLeft: Math.floor(left) } })];
});
