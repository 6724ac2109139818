/**
 * Checks on a seccomp profile, in the context of the container that uses it (architecture, capabilities,
 * kernel): a default action that lets everything through, dangerous syscalls allowed beyond Docker's default
 * profile, clone/clone3 without the namespace-flag filter, no architecture list. The rules in
 * src/analyzers/runtime/rules/seccomp-*.ts and the daemon check turn these into findings.
 */
import type { Severity } from '../../core/finding.js';
import type { SeccompProfile, SeccompRule } from './profile.js';
import { dockerDefaultProfile } from './default.js';
import { allows, evaluate, isAllowed, type EvalContext, type Effective } from './evaluate.js';

/** Syscalls that break out of or weaken container isolation (mount, namespaces, keyrings, kernel code, eBPF, tracing). */
export const DANGEROUS_SYSCALLS: Record<string, string> = {
  mount: 'mounts filesystems (with CAP_SYS_ADMIN: host paths, proc, cgroup release_agent escapes)',
  umount2: 'unmounts filesystems, uncovering what masked paths hide',
  umount: 'unmounts filesystems',
  fsopen: 'new mount API: creates a filesystem context (same power as mount)',
  fsconfig: 'new mount API: configures a filesystem context',
  fsmount: 'new mount API: turns a filesystem context into a mount',
  move_mount: 'new mount API: attaches a mount',
  open_tree: 'new mount API: clones a mount tree',
  mount_setattr: 'changes mount properties (read-only, idmapped)',
  unshare: 'creates namespaces: a user namespace gives full capabilities over new kernel attack surface',
  setns: 'joins other namespaces',
  keyctl: 'kernel keyrings are not namespaced: reads and changes keys of other containers and the host',
  add_key: 'adds keys to the non-namespaced kernel keyring',
  request_key: 'requests keys from the non-namespaced kernel keyring',
  bpf: 'loads eBPF programs: kernel attack surface, reads kernel memory with CAP_BPF/CAP_SYS_ADMIN',
  ptrace: 'traces other processes (on kernels before 4.8 it also bypasses seccomp)',
  kexec_load: 'loads a new kernel',
  kexec_file_load: 'loads a new kernel from a file',
  init_module: 'loads kernel modules',
  finit_module: 'loads kernel modules from a file',
  delete_module: 'unloads kernel modules',
  open_by_handle_at: "opens host files by handle, bypassing the container's mount view (the 'shocker' escape)",
  name_to_handle_at: 'gets file handles, the first half of the open_by_handle_at escape',
  perf_event_open: 'kernel performance events: information leaks and a large kernel attack surface',
  userfaultfd: 'stalls kernel page faults at will, the usual tool for widening kernel race windows',
};

/** clone flags that create namespaces (CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET = 0x7E020000). */
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;

export type SeccompIssueKind = 'permissive-default' | 'dangerous-syscall' | 'clone-unfiltered' | 'no-arch';

export interface SeccompIssue {
  kind: SeccompIssueKind;
  /** the syscall the issue is about */
  syscall?: string;
  message: string;
  /** line in the profile file */
  line?: number;
  severity?: Severity;
}

function firstLine(rules: SeccompRule[], name: string): number | undefined {
  for (const r of rules) {
    const j = r.names.indexOf(name);
    if (j >= 0 && r.nameLines?.[j]) return r.nameLines[j];
    if (r.line) return r.line;
  }
  return undefined;
}

/** Does this ALLOW rule for clone refuse every namespace flag? (arg 0 on most arches, arg 1 on s390/s390x) */
export function cloneRuleFiltersNamespaces(r: SeccompRule, arch: string): boolean {
  const idx = arch === 's390' || arch === 's390x' ? 1 : 0;
  return (r.args ?? []).some(
    (a) => a.index === idx && a.op === 'SCMP_CMP_MASKED_EQ' && (a.value & CLONE_NAMESPACE_FLAGS) >>> 0 === CLONE_NAMESPACE_FLAGS && ((a.valueTwo ?? 0) & CLONE_NAMESPACE_FLAGS) === 0,
  );
}

function cloneIssue(eff: Effective, ctx: EvalContext, base: Effective): SeccompIssue[] {
  const out: SeccompIssue[] = [];
  const v = eff.byName.get('clone');
  const baseClone = base.byName.get('clone');
  const baseUnfiltered = baseClone?.kind === 'allow' || (baseClone === undefined && base.defaultAllows);
  if (v?.kind === 'allow' || v?.kind === 'conditional') {
    const open = v.rules.filter((r) => allows(r.action) && !cloneRuleFiltersNamespaces(r, ctx.arch));
    if (open.length && !baseUnfiltered) {
      out.push({
        kind: 'clone-unfiltered',
        syscall: 'clone',
        message: `clone is allowed without the namespace-flag filter (arg ${ctx.arch.startsWith('s390') ? 1 : 0} MASKED_EQ 0x7E020000 == 0): processes can create user, mount, PID and network namespaces`,
        line: firstLine(open, 'clone'),
      });
    }
  }
  const v3 = eff.byName.get('clone3');
  if (v3 && v3.kind !== 'other' && !isAllowed(base, 'clone3')) {
    out.push({
      kind: 'clone-unfiltered',
      syscall: 'clone3',
      message: 'clone3 is allowed: its flags are passed in memory, where no seccomp filter can check them, so namespace creation cannot be refused (Docker answers clone3 with ENOSYS, errnoRet 38, so libc falls back to clone)',
      line: firstLine(v3.rules, 'clone3'),
    });
  }
  return out;
}

export function analyzeSeccomp(profile: SeccompProfile, ctx: EvalContext): SeccompIssue[] {
  const eff = evaluate(profile, ctx);
  const base = evaluate(dockerDefaultProfile(), ctx);
  const out: SeccompIssue[] = [];
  if (eff.defaultAllows) {
    const what = profile.defaultAction === 'SCMP_ACT_LOG' ? 'logs and allows' : 'allows';
    out.push({
      kind: 'permissive-default',
      message: `defaultAction ${profile.defaultAction}: the profile ${what} every syscall it does not name, so it is a deny list, not an allow list`,
      line: profile.defaultActionLine,
    });
  }
  for (const name of Object.keys(DANGEROUS_SYSCALLS)) {
    const v = eff.byName.get(name);
    // a permissive default action lets them through too, but that is reported once, above
    if (!v || v.kind === 'other') continue;
    // what Docker's default allows in the same context (mount with CAP_SYS_ADMIN, ptrace on kernels >= 4.8) is not beyond it
    if (isAllowed(base, name)) continue;
    out.push({
      kind: 'dangerous-syscall',
      syscall: name,
      message: `${name} is allowed${v.kind === 'conditional' ? ' (with argument conditions)' : ''} beyond Docker's default profile: ${DANGEROUS_SYSCALLS[name]}`,
      line: firstLine(v.rules, name),
    });
  }
  out.push(...cloneIssue(eff, ctx, base));
  if (!profile.architectures.length && !profile.archMap.length) {
    out.push({
      kind: 'no-arch',
      message:
        'no "architectures" or "archMap": the filter covers only the native ABI; syscalls made through another ABI (32-bit int 0x80, x32) are not matched by name and get the runtime\'s bad-architecture action instead of the rules written for them',
      line: profile.defaultActionLine,
    });
  }
  return out;
}
