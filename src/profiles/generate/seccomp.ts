/**
 * A least-privilege seccomp profile from a recording: the syscalls the workload made, plus the runtime's
 * start-up set (and the dynamic loader's when the start was not observed), everything else refused with
 * EPERM. clone keeps Docker's namespace-flag filter, clone3 answers ENOSYS (libc then falls back to clone),
 * socket is limited to the address families seen.
 */
import { profileData } from '../data.js';
import type { SeccompProfile, SeccompRule } from '../seccomp/profile.js';
import { formatSeccompProfile } from '../seccomp/profile.js';
import { dockerDefaultProfile } from '../seccomp/default.js';
import { evaluate, isAllowed, type EvalContext } from '../seccomp/evaluate.js';
import { seccompDelta, type SeccompDelta } from '../seccomp/delta.js';
import { CLONE_NAMESPACE_FLAGS } from '../seccomp/analyze.js';
import { isKnownSyscall } from '../seccomp/syscalls.js';
import type { TraceSummary } from '../trace/parse.js';

interface StartupData {
  runtime: { syscalls: string[]; fromSource: { syscalls: string[] } };
  loader: { syscalls: string[] };
}

export interface GeneratedSeccomp {
  profile: SeccompProfile;
  text: string;
  delta: SeccompDelta;
  /** syscalls the workload made (recorded) */
  observed: string[];
  /** added for the runtime (and the loader, when the start was not observed) */
  startup: string[];
  /** recorded but left out, with the reason */
  excluded: Array<{ name: string; reason: string }>;
  warnings: string[];
}

const SPECIAL = new Set(['clone', 'clone3', 'socket', 'personality']);

/** The architectures a profile for this machine lists (libseccomp names). */
export function nativeArchitectures(arch: string): string[] {
  const m: Record<string, string> = {
    amd64: 'SCMP_ARCH_X86_64',
    arm64: 'SCMP_ARCH_AARCH64',
    arm: 'SCMP_ARCH_ARM',
    '386': 'SCMP_ARCH_X86',
    s390x: 'SCMP_ARCH_S390X',
    ppc64le: 'SCMP_ARCH_PPC64LE',
    riscv64: 'SCMP_ARCH_RISCV64',
  };
  return [m[arch] ?? 'SCMP_ARCH_NATIVE'];
}

export function seccompFromTrace(trace: TraceSummary, opts: { startupObserved: boolean; ctx: EvalContext }): GeneratedSeccomp {
  const base = evaluate(dockerDefaultProfile(), opts.ctx);
  const data = profileData<StartupData>('startup-syscalls.json');
  const warnings: string[] = [];
  const excluded: GeneratedSeccomp['excluded'] = [];
  const observed = [...trace.syscalls.keys()].filter((n) => isKnownSyscall(n)).sort();
  for (const u of trace.unknown) warnings.push(`strace reported ${u}, a syscall number no table names: not added`);
  for (const n of trace.syscalls.keys()) if (!isKnownSyscall(n) && !trace.unknown.includes(n)) warnings.push(`strace reported '${n}', a name libseccomp does not know: not added`);
  const allow = new Set<string>();
  for (const name of observed) {
    if (SPECIAL.has(name)) continue;
    const s = trace.syscalls.get(name)!;
    const onlyEperm = s.ok === 0 && Object.keys(s.errors).length > 0 && Object.keys(s.errors).every((e) => e === 'EPERM');
    if (onlyEperm && !isAllowed(base, name)) {
      excluded.push({ name, reason: "every call failed with EPERM and Docker's default profile refuses it: the workload runs without it" });
      continue;
    }
    allow.add(name);
  }
  const startup = new Set<string>([...data.runtime.syscalls, ...data.runtime.fromSource.syscalls, ...(opts.startupObserved ? [] : data.loader.syscalls)]);
  const startupAdded = [...startup].filter((n) => !allow.has(n) && !SPECIAL.has(n)).sort();
  for (const n of startupAdded) allow.add(n);

  const rules: SeccompRule[] = [{ names: [...allow].sort(), action: 'SCMP_ACT_ALLOW' }];
  // clone: always (the runtime's Go threads and most workloads fork or start threads), never with namespace flags
  rules.push({
    names: ['clone'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: opts.ctx.arch.startsWith('s390') ? 1 : 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    comment: 'no namespace flags (CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET)',
  });
  rules.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, comment: 'ENOSYS: clone3 flags cannot be filtered, libc falls back to clone' });
  if (trace.namespaceClones > 0) warnings.push(`the workload called clone with namespace flags ${trace.namespaceClones} time(s): the profile refuses that`);
  if (trace.syscalls.has('socket')) {
    const families = [...new Set([...trace.sockets].map((s) => Number(s.split('/')[0])))].filter((n) => Number.isInteger(n)).sort((a, b) => a - b);
    for (const fam of families) {
      if (!isAllowedSocket(fam, opts.ctx)) {
        excluded.push({ name: `socket(${fam})`, reason: "address family refused by Docker's default profile" });
        continue;
      }
      rules.push({ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: fam, op: 'SCMP_CMP_EQ' }], comment: `address family ${familyName(fam)}` });
    }
  }
  if (trace.syscalls.has('personality')) {
    const okValues = [0, 8, 0x20000, 0x20008, 0xffffffff];
    for (const v of [...trace.personalities].sort((a, b) => a - b)) {
      if (!okValues.includes(v >>> 0)) {
        excluded.push({ name: `personality(0x${(v >>> 0).toString(16)})`, reason: "persona refused by Docker's default profile" });
        continue;
      }
      rules.push({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: v >>> 0, op: 'SCMP_CMP_EQ' }] });
    }
  }
  const profile: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: nativeArchitectures(opts.ctx.arch),
    archMap: [],
    flags: [],
    syscalls: rules,
  };
  return {
    profile,
    text: formatSeccompProfile(profile),
    delta: seccompDelta(profile, opts.ctx),
    observed,
    startup: startupAdded,
    excluded,
    warnings,
  };
}

function isAllowedSocket(family: number, ctx: EvalContext): boolean {
  // Docker's default filters socket by family (AF_ALG 38 and AF_VSOCK 40 refused in v29)
  const v = evaluate(dockerDefaultProfile(), ctx).byName.get('socket');
  if (!v || v.kind === 'other') return false;
  if (v.kind === 'allow') return true;
  return v.rules.some((r) =>
    (r.args ?? []).every((a) => {
      if (a.index !== 0) return true;
      switch (a.op) {
        case 'SCMP_CMP_EQ':
          return family === a.value;
        case 'SCMP_CMP_NE':
          return family !== a.value;
        case 'SCMP_CMP_LT':
          return family < a.value;
        case 'SCMP_CMP_LE':
          return family <= a.value;
        case 'SCMP_CMP_GT':
          return family > a.value;
        case 'SCMP_CMP_GE':
          return family >= a.value;
        case 'SCMP_CMP_MASKED_EQ':
          return (family & a.value) === (a.valueTwo ?? 0);
        default:
          return false;
      }
    }),
  );
}

const FAMILIES: Record<number, string> = { 1: 'AF_UNIX', 2: 'AF_INET', 10: 'AF_INET6', 16: 'AF_NETLINK', 17: 'AF_PACKET' };

export function familyName(n: number): string {
  return FAMILIES[n] ?? String(n);
}
