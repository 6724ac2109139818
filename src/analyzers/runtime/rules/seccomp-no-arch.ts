import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { profileHit, seccompIssues } from '../profile-issues.js';

const meta: RuleMeta = {
  id: 'BW-SECCOMP-004',
  title: 'Seccomp profile has no architecture list',
  severity: 'low',
  stage: 'runtime',
  rationale:
    'Syscall numbers differ between ABIs (x86-64, 32-bit x86, x32). Without "architectures" or "archMap" the filter is built for the native ABI only, so what happens to a syscall made through another ABI is left to the runtime\'s bad-architecture action rather than to the profile\'s rules; Docker\'s default lists every ABI it means to cover.',
  remediation: 'Add "architectures": ["SCMP_ARCH_X86_64"] (plus SCMP_ARCH_X86 / SCMP_ARCH_X32 only if 32-bit programs must run), or the archMap of Docker\'s default profile.',
  references: [],
  tags: ['confinement', 'seccomp'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  seccompIssues(spec, 'no-arch').map((i) => profileHit(meta, spec, 'seccomp', { key: 'architectures', message: i.message, line: i.line })),
);
