import { defineRule, type RuleMeta } from '../../../core/rule.js';
import { isAllInterfaces, type ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-021',
  title: 'Port published on all host interfaces',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'A port published without a host address listens on every interface (0.0.0.0 and ::), and Docker inserts iptables rules that bypass host firewalls such as ufw. (Docker Bench misses the IPv6 wildcard.)',
  remediation: 'Bind the port to a specific address: -p 127.0.0.1:8080:80 (ports: ["127.0.0.1:8080:80"]).',
  references: ['CIS-5.14', 'KSV024'],
  tags: ['network'],
  autoFixable: true,
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.networkMode === 'host') return [];
  const out = [];
  for (const [i, p] of spec.ports.entries()) {
    if (!isAllInterfaces(p.hostIp)) continue;
    out.push(
      hit(meta, spec, {
        fields: [`ports.${i}`, 'ports'],
        key: `${p.hostPort ?? ''}:${p.containerPort}/${p.protocol}`,
        message: `${who(spec)} publishes ${p.hostPort ?? '(random)'}->${p.containerPort}/${p.protocol} on all host interfaces`,
        evidence: { ...p },
      }),
    );
  }
  if (spec.publishAll) {
    out.push(hit(meta, spec, { fields: ['publishAll'], key: 'publish-all', message: `${who(spec)} publishes every exposed port on all host interfaces (-P)` }));
  }
  return out;
});
