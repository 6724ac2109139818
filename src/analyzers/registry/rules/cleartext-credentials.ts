import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-011',
  title: 'Registry asks for credentials over plain HTTP',
  severity: 'high',
  stage: 'registry',
  rationale: 'Basic authentication sends the user name and password with every request, base64-encoded, not encrypted; over plain HTTP (or a token service on plain HTTP) anyone on the path collects them.',
  remediation: 'Serve the registry and its token service over HTTPS only.',
  references: ['CWE-319', 'CWE-523'],
  tags: ['tls', 'access'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  const ch = ev.ping.challenge;
  if (!ch) return [];
  if (ch.scheme === 'basic' && ev.scheme === 'http') {
    return [registryFinding(meta, ev, { aspect: 'auth', key: 'basic-over-http', message: `${ev.target} requests HTTP Basic authentication over plain HTTP: passwords travel in clear`, evidence: { challenge: ch } })];
  }
  if (ch.scheme === 'bearer' && ch.realm?.toLowerCase().startsWith('http:')) {
    return [registryFinding(meta, ev, { aspect: 'auth', key: `token-over-http|${ch.realm}`, message: `${ev.target} sends clients to a token service on plain HTTP (${ch.realm}): credentials and tokens travel in clear`, evidence: { challenge: ch } })];
  }
  return [];
});
