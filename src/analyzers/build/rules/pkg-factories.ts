/** Rule bodies shared by package managers that differ only in names (yum/dnf/zypper/...). */
import type { BuildContext, Hit } from '../context.js';
import { appendToRun, hasCacheMount, insertAfter } from '../context.js';
import { hasFlag } from '../../../dockerfile/shell/command.js';
import { isPinned, type Manager } from '../../../dockerfile/shell/packages.js';
import { pkgHits, runHas, removes, runs } from './util.js';

/** `<manager> install` without a non-interactive flag; the fix inserts ` -y` after the action. */
export function missingYes(ctx: BuildContext, managers: Manager[], long: string[], short: string[]): Hit[] {
  return pkgHits(ctx, managers, (p, inst) => {
    if (p.action !== 'install' && p.action !== 'groupinstall' && p.action !== 'localinstall') return undefined;
    if (hasFlag(p.args, long, short)) return undefined;
    const edits = insertAfter(inst, p.actionWord?.end, ' -y');
    return { message: `${p.manager} ${p.action} without a non-interactive switch (-y)`, key: p.packages.join(' '), ...(edits ? { edits } : {}) };
  });
}

/** `<manager> install` with no cleaning command, cache removal or cache mount in the same RUN. */
export function missingClean(ctx: BuildContext, managers: Manager[], isClean: (name: string, args: string[]) => boolean, cacheDirs: string[], what: string, fixCommand?: (m: Manager) => string): Hit[] {
  const hits: Hit[] = [];
  for (const inst of runs(ctx, true)) {
    const p = ctx.packages(inst).find((x) => managers.includes(x.manager) && x.action === 'install');
    if (!p) continue;
    if (runHas(ctx, inst, isClean) || removes(ctx, inst, cacheDirs) || hasCacheMount(inst, cacheDirs)) continue;
    const edits = fixCommand ? appendToRun(ctx, inst, fixCommand(p.manager)) : undefined;
    hits.push({ inst, message: `${p.manager} install without '${what}' in the same RUN`, key: p.manager, ...(edits ? { edits } : {}) });
  }
  return hits;
}

/** install arguments without a version pin. */
export function notPinned(ctx: BuildContext, managers: Manager[], actions: string[] = ['install']): Hit[] {
  return pkgHits(ctx, managers, (p) => {
    if (!actions.includes(p.action)) return undefined;
    const loose = p.packages.filter((x) => !isPinned(p.manager, x, p.args));
    return loose.length ? { message: `${p.manager} ${p.action} without version pins: ${loose.join(', ')}`, key: loose.join(' '), evidence: { packages: loose } } : undefined;
  });
}
