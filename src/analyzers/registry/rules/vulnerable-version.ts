import { severityRank, type Severity } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { RegistryEvidence } from '../../../registry/audit.js';
import { registryFinding } from '../rule.js';
import { compareVersions, matchProducts } from '../versions.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-013',
  title: 'Registry software version has known vulnerabilities',
  severity: 'high',
  stage: 'registry',
  rationale: 'The registry announces its product and version in its response headers, and that version has published advisories; registries are reachable by every build and host, so their flaws are worth an attacker\'s time.',
  remediation: 'Upgrade the registry to a fixed release (and stop announcing the version in headers).',
  references: ['CWE-1104'],
  tags: ['version'],
};

export default defineRule<RegistryEvidence>(meta, (ev) => {
  return matchProducts(ev.productHeaders)
    .filter((m) => m.advisories.length > 0)
    .map((m) => {
      const worst = m.advisories.map((a) => a.severity).reduce((a: Severity, b: Severity) => (severityRank(b) > severityRank(a) ? b : a));
      return registryFinding(meta, ev, {
        aspect: 'version',
        key: `${m.product.name}|${m.version}`,
        severity: worst,
        message: `${ev.target} runs ${m.product.name} ${m.version} (${m.header}), affected by ${m.advisories.map((a) => `${a.id} (${a.summary}; fixed in ${a.fixed})`).join(', ')}`,
        evidence: { product: m.product.name, version: m.version, advisories: m.advisories.map((a) => a.id) },
        remediation: `Upgrade ${m.product.name} to ${m.advisories.map((a) => a.fixed).sort(compareVersions).pop()} or later.`,
      });
    })
    .map((f) => {
      const adv = (f.evidence?.advisories as string[]) ?? [];
      f.references = [...f.references, ...adv];
      return f;
    });
});
