import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-003',
  title: 'Registry accepts weak TLS cipher suites',
  severity: 'medium',
  stage: 'registry',
  rationale:
    'NULL, anonymous, export, RC4 and (3)DES suites are broken; static-RSA key exchange has no forward secrecy; CBC suites without AEAD carry padding-oracle history. Whatever the server still accepts, an active attacker can steer a client towards.',
  remediation: 'Offer only ECDHE suites with AES-GCM or ChaCha20-Poly1305 (distribution: http.tls.ciphersuites; or leave its defaults).',
  references: ['CWE-326', 'CWE-327'],
  tags: ['tls'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const weak = ev.tls?.weakCiphers ?? [];
  if (!weak.length) return [];
  const worst = Math.max(...weak.map((w) => w.weight));
  const classes = [...new Set(weak.map((w) => w.class))];
  const suites = [...new Set(weak.map((w) => w.suite))];
  return [
    registryFinding(meta, ev, {
      aspect: 'tls.ciphers',
      key: suites.sort().join(','),
      severity: worst >= 3 ? 'high' : worst === 2 ? 'medium' : 'low',
      message: `${ev.target} accepts ${classes.join(', ')} cipher suites: ${suites.join(', ')} (${[...new Set(weak.map((w) => w.why))].join('; ')})`,
      evidence: { accepted: weak.map(({ suite, version, class: c }) => ({ suite, version, class: c })) },
    }),
  ];
});
