import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-006',
  title: 'Registry certificate is for another host name',
  severity: 'high',
  stage: 'registry',
  rationale: 'A name mismatch makes every client fail verification unless it is told to skip it; a certificate that is accepted for the wrong name is exactly what an impersonator presents.',
  remediation: 'Issue the certificate with the registry\'s name (and IP, if clients use it) in subjectAltName.',
  references: ['CWE-297'],
  tags: ['tls', 'certificate'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const c = ev.tls?.cert;
  if (!c?.hostnameError) return [];
  return [
    registryFinding(meta, ev, {
      aspect: 'tls.certificate',
      key: `hostname|${ev.host}|${c.fingerprint256}`,
      message: `the certificate of ${ev.target} is valid for ${c.names.length ? c.names.join(', ') : c.subject}, not for ${ev.host}`,
      evidence: { host: ev.host, names: c.names },
    }),
  ];
});
