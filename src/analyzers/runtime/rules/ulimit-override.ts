import type { RuleMeta } from '../../../core/rule.js';
import { hit, who, type RuntimeRule } from '../types.js';

export const meta: RuleMeta = {
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

export const rule: RuntimeRule = {
  meta,
  check(spec) {
    return spec.ulimits.map((u) =>
      hit(meta, spec, {
        fields: [`ulimits.${u.name}`, 'ulimits'],
        key: u.name,
        severity: (u.hard === -1 || u.soft === -1) && RAISING.has(u.name) ? 'low' : 'info',
        message: `${who(spec)} overrides ulimit ${u.name}=${u.soft}:${u.hard}`,
      }),
    );
  },
};
