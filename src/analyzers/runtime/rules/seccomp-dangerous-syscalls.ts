import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { profileHit, seccompIssues } from '../profile-issues.js';

const meta: RuleMeta = {
  id: 'BW-SECCOMP-002',
  title: "Seccomp profile allows dangerous syscalls beyond Docker's default",
  severity: 'high',
  stage: 'runtime',
  rationale:
    "Docker's default profile refuses the syscalls most container escapes and kernel exploits start with unless the container holds the matching capability: mount and the new mount API, umount2, unshare, setns, the kernel keyring (keyctl, add_key, request_key), bpf, kexec_load, module loading, open_by_handle_at, perf_event_open, userfaultfd. A custom profile that allows them for a container without that capability re-opens what the default closed. What Docker's default allows in the same context is not reported: mount and the other CAP_SYS_ADMIN syscalls when the container holds that capability, ptrace on kernels from 4.8 (earlier ones let ptrace bypass seccomp), name_to_handle_at.",
  remediation: 'Remove the syscall from the profile\'s allow list, or regenerate the profile from what the workload does (`bulwark profile seccomp`).',
  references: ['CIS-5.22'],
  tags: ['confinement', 'seccomp'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  seccompIssues(spec, 'dangerous-syscall').map((i) =>
    profileHit(meta, spec, 'seccomp', { key: `syscall|${i.syscall}`, message: i.message, line: i.line, evidence: { syscall: i.syscall } }),
  ),
);
