import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-004',
  title: 'Host network namespace shared',
  severity: 'high',
  stage: 'runtime',
  rationale: "The container shares the host's network stack: it can bind any host port, reach services on localhost and sniff or spoof host traffic.",
  remediation: "Use a user-defined bridge network instead of --network host / network_mode: host.",
  references: ['CIS-5.10', 'KSV009', 'AVD-KSV-0009'],
  tags: ['namespaces'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.networkMode !== 'host') return [];
  return [hit(meta, spec, { fields: ['networkMode'], key: 'networkMode', message: `${who(spec)} uses the host network mode` })];
});
