import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-005',
  title: 'Registry certificate is self-signed or from an untrusted CA',
  severity: 'medium',
  stage: 'registry',
  rationale:
    'A certificate no trusted CA vouches for can only be used by turning verification off (insecure-registries) or by pinning it on every client; the former accepts any certificate, the latter is rarely done everywhere.',
  remediation: 'Use a certificate from a CA the clients trust, or distribute your private CA to /etc/docker/certs.d/<registry>/ca.crt on every client (Bulwark: --ca-cert).',
  references: ['CWE-295'],
  tags: ['tls', 'certificate'],
};

const EXPIRY = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const c = ev.tls?.cert;
  if (!c || !c.verifyError || EXPIRY.has(c.verifyError)) return [];
  const what = c.selfSigned ? 'self-signed' : `not trusted (${c.verifyError})`;
  return [
    registryFinding(meta, ev, {
      aspect: 'tls.certificate',
      key: `untrusted|${c.fingerprint256}`,
      message: `the certificate of ${ev.target} (${c.subject}, issued by ${c.issuer}) is ${what}${ev.tls?.trustedExtra ? ' even with the CAs given' : ''}`,
      evidence: { subject: c.subject, issuer: c.issuer, selfSigned: c.selfSigned, error: c.verifyError },
    }),
  ];
});
