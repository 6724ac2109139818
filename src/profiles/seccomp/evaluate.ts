/**
 * What a seccomp profile lets a container do: the rules that apply for an architecture, a capability set and
 * a kernel, folded into one verdict per syscall name. Applies `includes` / `excludes` exactly as moby's
 * setupSeccomp does (profiles/seccomp/seccomp_linux.go): excluded arches, excluded caps (any), excluded
 * minKernel, then included arches, included caps (all), included minKernel.
 */
import { DEFAULT_CAPS } from '../../runtime/model.js';
import type { SeccompAction, SeccompProfile, SeccompRule } from './profile.js';
import { onX86_64 } from './syscalls.js';

export interface EvalContext {
  /** Go architecture name as moby compares it: amd64, arm64, ... */
  arch: string;
  /** bounding capability set, `CAP_`-prefixed */
  caps: Set<string>;
  /** kernel release; undefined = assume new enough for every minKernel */
  kernel?: string;
}

export type Verdict =
  /** allowed whatever the arguments (ALLOW or LOG rule without args) */
  | { kind: 'allow'; rules: SeccompRule[] }
  /** allowed only when an argument condition matches */
  | { kind: 'conditional'; rules: SeccompRule[] }
  /** an explicit rule with another action (ERRNO, KILL, TRAP, TRACE, NOTIFY) */
  | { kind: 'other'; action: SeccompAction; errno?: number; rules: SeccompRule[] };

export interface Effective {
  defaultAction: SeccompAction;
  /** the default action lets a syscall run (ALLOW or LOG) */
  defaultAllows: boolean;
  byName: Map<string, Verdict>;
}

const ALLOWING = new Set<SeccompAction>(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

export function allows(a: SeccompAction): boolean {
  return ALLOWING.has(a);
}

function kernelAtLeast(kernel: string | undefined, min: string): boolean {
  if (kernel === undefined) return true;
  const a = kernel.split(/[^0-9]+/).filter(Boolean).map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d > 0;
  }
  return true;
}

/** Does this rule apply in this context (moby's includes/excludes)? */
export function ruleApplies(r: SeccompRule, ctx: EvalContext): boolean {
  const ex = r.excludes;
  if (ex?.arches?.includes(ctx.arch)) return false;
  if (ex?.caps?.some((c) => ctx.caps.has(c))) return false;
  if (ex?.minKernel && kernelAtLeast(ctx.kernel, ex.minKernel)) return false;
  const inc = r.includes;
  if (inc?.arches?.length && !inc.arches.includes(ctx.arch)) return false;
  if (inc?.caps?.length && !inc.caps.every((c) => ctx.caps.has(c))) return false;
  if (inc?.minKernel && !kernelAtLeast(ctx.kernel, inc.minKernel)) return false;
  return true;
}

export function evaluate(profile: SeccompProfile, ctx: EvalContext): Effective {
  const byName = new Map<string, Verdict>();
  for (const r of profile.syscalls) {
    if (!ruleApplies(r, ctx)) continue;
    for (const name of r.names) {
      const cur = byName.get(name);
      if (allows(r.action)) {
        const kind = r.args?.length ? 'conditional' : 'allow';
        if (!cur || cur.kind === 'other') byName.set(name, { kind, rules: [r] });
        else {
          cur.rules.push(r);
          if (kind === 'allow') cur.kind = 'allow';
        }
      } else if (!cur) {
        byName.set(name, { kind: 'other', action: r.action, errno: r.errnoRet, rules: [r] });
      } else if (cur.kind === 'other') cur.rules.push(r);
      // an ERRNO rule with args next to an ALLOW one: the allow stays the summary; rules keep both
      else if (r.args?.length) cur.rules.push(r);
    }
  }
  return { defaultAction: profile.defaultAction, defaultAllows: allows(profile.defaultAction), byName };
}

/** Is the syscall allowed at all (for some arguments)? */
export function isAllowed(eff: Effective, name: string): boolean {
  const v = eff.byName.get(name);
  if (!v) return eff.defaultAllows;
  return v.kind !== 'other';
}

/** Names allowed (unconditionally or with argument conditions) among `universe`. */
export function allowedNames(eff: Effective, universe: Iterable<string>): string[] {
  const out: string[] = [];
  for (const n of universe) if (isAllowed(eff, n)) out.push(n);
  return out.sort();
}

/** The bounding set Docker gives a container: its default capabilities, plus --cap-add, minus --cap-drop. */
export function containerCaps(opts: { privileged?: boolean; capAdd?: string[]; capDrop?: string[] } = {}): Set<string> {
  const norm = (c: string) => c.trim().toUpperCase().replace(/^CAP_/, '');
  const adds = (opts.capAdd ?? []).map(norm);
  const drops = (opts.capDrop ?? []).map(norm);
  let set: Set<string>;
  if (opts.privileged) set = new Set(ALL_CAPS);
  else if (adds.includes('ALL')) {
    set = new Set(ALL_CAPS);
    for (const d of drops) set.delete(d);
  } else if (drops.includes('ALL')) {
    set = new Set(adds);
  } else {
    set = new Set(DEFAULT_CAPS);
    for (const a of adds) set.add(a);
    for (const d of drops) set.delete(d);
  }
  return new Set([...set].map((c) => `CAP_${c}`));
}

/** Linux capabilities (include/uapi/linux/capability.h, 6.x). */
export const ALL_CAPS = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT',
  'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE',
  'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ',
  'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
];

/** The evaluation context of a container on this machine's architecture. */
export function hostContext(caps: Set<string>, kernel?: string): EvalContext {
  return { arch: goArch(process.arch), caps, kernel };
}

export function goArch(nodeArch: string): string {
  const m: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64', mips64el: 'mips64le', loong64: 'loong64' };
  return m[nodeArch] ?? nodeArch;
}

/** Syscall names that exist on the context's architecture (only amd64 has a table; other arches: every known name). */
export function archFilter(ctx: EvalContext): (name: string) => boolean {
  return ctx.arch === 'amd64' ? onX86_64 : () => true;
}
