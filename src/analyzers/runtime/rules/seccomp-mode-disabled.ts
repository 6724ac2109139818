import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-SECCOMP-006',
  title: 'Running container has no seccomp filter',
  severity: 'high',
  stage: 'runtime',
  rationale:
    "The kernel reports `Seccomp: 0` for the container's main process (/proc/PID/status): no syscall filter is in force, whatever the configuration says (an engine or runtime built without seccomp, a daemon-wide unconfined profile, or a runtime that ignored the profile). Every syscall of the kernel is reachable from the container.",
  remediation: "Find why the engine applied no profile (`docker info` SecurityOptions should list name=seccomp); restart the container with Docker's default or a generated profile.",
  references: ['CIS-5.22'],
  tags: ['confinement', 'seccomp'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  // privileged and seccomp=unconfined containers are reported by BW-RUNTIME-001 and BW-RUNTIME-018
  if (spec.seccompMode !== 0 || spec.privileged || spec.securityOpt.seccomp === 'unconfined') return [];
  return [
    hit(meta, spec, {
      fields: ['securityOpt.seccomp', 'securityOpt'],
      key: 'seccomp|mode',
      message: `${who(spec)}: its process ${spec.pid} runs with Seccomp: 0 (no filter) although its configuration does not ask for unconfined`,
      evidence: { pid: spec.pid, seccompMode: 0 },
    }),
  ];
});
