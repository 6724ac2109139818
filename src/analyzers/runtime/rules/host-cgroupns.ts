import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-031',
  title: 'Host cgroup namespace shared',
  severity: 'low',
  stage: 'runtime',
  rationale: "In the host cgroup namespace the container sees the host's cgroup hierarchy, which helps escapes that abuse cgroup files. On cgroup v1 hosts this is Docker's default, so live containers show it unless started with --cgroupns private.",
  remediation: "Use --cgroupns private (the default on cgroup v2).",
  references: [],
  tags: ['namespaces'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.cgroupnsMode !== 'host') return [];
  return [hit(meta, spec, { fields: ['cgroupnsMode'], key: 'cgroupnsMode', message: `${who(spec)} uses the host cgroup namespace mode` })];
});
