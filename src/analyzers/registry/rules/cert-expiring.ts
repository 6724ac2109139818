import type { RuleMeta } from '../../../core/rule.js';
import { registryFinding, type RegistryRule } from '../rule.js';

export const meta: RuleMeta = {
  id: 'BW-REGISTRY-007',
  title: 'Registry certificate expires within 30 days',
  severity: 'low',
  stage: 'registry',
  rationale: 'An expiring certificate becomes an outage, and outages of a registry are commonly "fixed" by turning verification off.',
  remediation: 'Renew the certificate now and automate renewal (ACME, cert-manager).',
  references: ['CWE-298'],
  tags: ['tls', 'certificate'],
};

export const DAYS = 30;

export const rule: RegistryRule = {
  meta,
  check(ev) {
    const c = ev.tls?.cert;
    if (!c) return [];
    const left = (Date.parse(c.validTo) - Date.now()) / 86_400_000;
    if (left < 0 || left > DAYS) return [];
    return [registryFinding(meta, ev, { aspect: 'tls.certificate', key: `expiring|${c.fingerprint256}`, message: `the certificate of ${ev.target} expires on ${c.validTo.slice(0, 10)} (in ${Math.floor(left)} days)`, evidence: { validTo: c.validTo, daysLeft: Math.floor(left) } })];
  },
};
