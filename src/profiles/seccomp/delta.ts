/** A profile as a difference from Docker's default profile: what it adds, what it removes, what it filters differently. */
import { dockerDefaultProfile } from './default.js';
import { archFilter, evaluate, isAllowed, type EvalContext, type Effective } from './evaluate.js';
import type { SeccompProfile } from './profile.js';
import { isKnownSyscall } from './syscalls.js';
import { profileData } from '../data.js';

export interface SeccompDelta {
  arch: string;
  /** syscalls the profile allows (for some arguments), on this architecture */
  allowed: string[];
  /** syscalls Docker's default profile allows in the same context */
  baseAllowed: string[];
  /** allowed here, not by Docker's default */
  added: string[];
  /** allowed by Docker's default, not here */
  removed: string[];
  /** allowed by both, with argument conditions in one and not the other */
  filterChanged: Array<{ name: string; profile: 'allow' | 'conditional'; base: 'allow' | 'conditional' }>;
}

function universe(ctx: EvalContext, ...effs: Effective[]): string[] {
  const keep = archFilter(ctx);
  const names = new Set<string>();
  for (const e of effs) for (const n of e.byName.keys()) if (isKnownSyscall(n) && keep(n)) names.add(n);
  // a permissive default allows every syscall of the architecture
  if (effs.some((e) => e.defaultAllows)) {
    const table = profileData<{ syscalls: Record<string, unknown> }>('syscalls.json').syscalls;
    for (const n of Object.keys(table)) if (keep(n)) names.add(n);
  }
  return [...names].sort();
}

const kindOf = (e: Effective, n: string): 'allow' | 'conditional' => {
  const v = e.byName.get(n);
  return v?.kind === 'conditional' ? 'conditional' : 'allow';
};

export function seccompDelta(profile: SeccompProfile, ctx: EvalContext, base: SeccompProfile = dockerDefaultProfile()): SeccompDelta {
  const eff = evaluate(profile, ctx);
  const beff = evaluate(base, ctx);
  const all = universe(ctx, eff, beff);
  const allowed = all.filter((n) => isAllowed(eff, n));
  const baseAllowed = all.filter((n) => isAllowed(beff, n));
  const bset = new Set(baseAllowed);
  const aset = new Set(allowed);
  return {
    arch: ctx.arch,
    allowed,
    baseAllowed,
    added: allowed.filter((n) => !bset.has(n)),
    removed: baseAllowed.filter((n) => !aset.has(n)),
    filterChanged: allowed.filter((n) => bset.has(n) && kindOf(eff, n) !== kindOf(beff, n)).map((n) => ({ name: n, profile: kindOf(eff, n), base: kindOf(beff, n) })),
  };
}

/** "N syscalls allowed, against M in Docker's default profile" */
export function countLine(d: SeccompDelta): string {
  return `${d.allowed.length} syscalls allowed, against ${d.baseAllowed.length} in Docker's default profile`;
}

/** A short text rendering of the delta (for the CLI and docs). */
export function renderDelta(d: SeccompDelta, width = 100): string {
  const wrap = (label: string, names: string[]) => {
    if (!names.length) return [`${label}: none`];
    const lines: string[] = [];
    let cur = `${label} (${names.length}):`;
    for (const n of names) {
      if (cur.length + n.length + 1 > width) {
        lines.push(cur);
        cur = '   ';
      }
      cur += ` ${n}`;
    }
    lines.push(cur);
    return lines;
  };
  const out = [countLine(d) + ` (${d.arch})`, ...wrap('+ added beyond the default', d.added), ...wrap('- removed from the default', d.removed)];
  if (d.filterChanged.length) out.push(`~ filtered differently: ${d.filterChanged.map((c) => `${c.name} (${c.profile}, default ${c.base})`).join(', ')}`);
  return out.join('\n');
}
