import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-022',
  title: 'Privileged host port published',
  severity: 'low',
  stage: 'runtime',
  rationale: 'Host ports below 1024 are reserved for system services; publishing one from a container can shadow them. (Docker Bench wrongly flags 1024 too.)',
  remediation: 'Publish on a port of 1024 or above and put a reverse proxy in front when 80/443 are needed.',
  references: ['CIS-5.8'],
  tags: ['network'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const out = [];
  for (const [i, p] of spec.ports.entries()) {
    if (!p.hostPort) continue;
    const low = Number(p.hostPort.split('-')[0]);
    if (!(low > 0 && low < 1024)) continue;
    out.push(
      hit(meta, spec, {
        fields: [`ports.${i}`, 'ports'],
        key: `${p.hostIp ?? ''}:${p.hostPort}/${p.protocol}`,
        message: `${who(spec)} publishes privileged host port ${p.hostPort}/${p.protocol}`,
      }),
    );
  }
  return out;
});
