import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-028',
  title: 'Default ulimit overridden',
  severity: 'info',
  stage: 'runtime',
  rationale: "Ulimit overrides replace the daemon's defaults; raising them (nofile, nproc, memlock, core) can weaken DoS protection. Review that each override is needed.",
  remediation: 'Keep ulimit overrides to what the service needs; prefer lowering to raising.',
  references: ['CIS-5.19'],
  tags: ['resources'],
};

const RAISING = new Set(['memlock', 'nproc', 'core', 'rtprio', 'stack']);

export default defineRule<ContainerSpec>(meta, (spec) => {
  return spec.ulimits.map((u) =>
    hit(meta, spec, {
      fields: [`ulimits.${u.name}`, 'ulimits'],
      key: u.name,
      severity: (u.hard === -1 || u.soft === -1) && RAISING.has(u.name) ? 'low' : 'info',
      message: `${who(spec)} overrides ulimit ${u.name}=${u.soft}:${u.hard}`,
    }),
  );
});
