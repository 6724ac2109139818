import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-001',
  title: 'Registry served over plain HTTP',
  severity: 'high',
  stage: 'registry',
  rationale:
    'Without TLS, manifests, layers and credentials cross the network in clear: anyone on the path can read them, and swap a manifest for one that names other layers. Clients only talk to such a registry when it is listed as insecure, which also disables certificate checks for it.',
  remediation: 'Serve the registry over HTTPS (http.tls in the registry config, or a TLS-terminating proxy) and remove it from every daemon\'s insecure-registries.',
  references: ['CIS-2.5', 'CWE-319'],
  tags: ['tls'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  if (ev.scheme !== 'http') return [];
  return [registryFinding(meta, ev, { aspect: 'scheme', key: 'http', message: `${ev.target} answers the registry API over plain HTTP (${ev.url})`, evidence: { url: ev.url } })];
});
