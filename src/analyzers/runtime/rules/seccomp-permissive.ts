import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { profileHit, seccompIssues } from '../profile-issues.js';

const meta: RuleMeta = {
  id: 'BW-SECCOMP-001',
  title: 'Seccomp profile allows or logs by default',
  severity: 'high',
  stage: 'runtime',
  rationale:
    'A profile whose defaultAction is SCMP_ACT_ALLOW (or SCMP_ACT_LOG, which logs and then allows) only refuses the syscalls it lists: every syscall it forgets, including the ones added by new kernels, goes through. It looks like confinement and passes `seccomp=unconfined` checks, but it is a deny list.',
  remediation: 'Use "defaultAction": "SCMP_ACT_ERRNO" with an allow list (`bulwark profile seccomp` writes one from what the workload does), or keep Docker\'s default profile.',
  references: ['CIS-5.22'],
  tags: ['confinement', 'seccomp'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  seccompIssues(spec, 'permissive-default').map((i) => profileHit(meta, spec, 'seccomp', { key: 'default-action', message: i.message, line: i.line })),
);
