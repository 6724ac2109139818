import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-032',
  title: '/proc and /sys paths unmasked',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'The runtime masks /proc/kcore, /proc/sysrq-trigger, /proc/keys, /sys/firmware and friends and mounts /proc/sys read-only. `--security-opt systempaths=unconfined` (Kubernetes `procMount: Unmasked`) removes those masks: kernel memory, key material and host-wide triggers become reachable from the container.',
  remediation: 'Remove systempaths=unconfined / procMount: Unmasked (only nested container runtimes with user namespaces need it).',
  references: ['KSV027', 'AVD-KSV-0027'],
  tags: ['confinement'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged || spec.securityOpt.systemPaths !== 'unconfined') return [];
  return [hit(meta, spec, { fields: ['securityOpt.systempaths', 'securityOpt'], key: 'systempaths', message: `${who(spec)} leaves /proc and /sys paths unmasked` })];
});
