import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { profileHit, seccompIssues } from '../profile-issues.js';

const meta: RuleMeta = {
  id: 'BW-SECCOMP-003',
  title: 'Seccomp profile allows clone/clone3 without the namespace-flag filter',
  severity: 'high',
  stage: 'runtime',
  rationale:
    "Docker's default profile allows clone only when its flags argument carries no namespace flag (arg 0 MASKED_EQ 0x7E020000 == 0) and answers clone3 with ENOSYS, because clone3 passes its flags in memory, out of a seccomp filter's reach. A profile that allows clone unconditionally, or clone3 at all, lets a process create user namespaces (and with them mount, network and PID namespaces): the same kernel attack surface an allowed unshare opens.",
  remediation: 'Allow clone with {"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"} and give clone3 "action": "SCMP_ACT_ERRNO", "errnoRet": 38, as Docker\'s default does.',
  references: ['CIS-5.22'],
  tags: ['confinement', 'seccomp'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  seccompIssues(spec, 'clone-unfiltered').map((i) =>
    profileHit(meta, spec, 'seccomp', { key: `clone|${i.syscall}`, message: i.message, line: i.line, evidence: { syscall: i.syscall } }),
  ),
);
