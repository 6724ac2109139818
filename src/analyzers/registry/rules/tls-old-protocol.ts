import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-002',
  title: 'Registry accepts TLS below 1.2',
  severity: 'medium',
  stage: 'registry',
  rationale: 'TLS 1.0 and 1.1 are deprecated (RFC 8996): CBC and SHA-1 based constructions with known attacks (BEAST, Lucky13) and downgrade exposure. A registry that still negotiates them lets old or tampered clients fetch images over weak channels.',
  remediation: 'Set the minimum to TLS 1.2 (distribution: http.tls.minimumtls: tls1.2; nginx: ssl_protocols TLSv1.2 TLSv1.3).',
  references: ['CWE-326', 'CWE-327'],
  tags: ['tls'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const old = ev.tls?.oldProtocols ?? [];
  if (!old.length) return [];
  return [registryFinding(meta, ev, { aspect: 'tls.protocols', key: old.join(','), message: `${ev.target} completes TLS handshakes at ${old.join(' and ')}`, evidence: { protocols: old } })];
});
