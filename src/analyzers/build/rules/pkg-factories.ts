/** Rule bodies shared by package managers that differ only in names (yum/dnf/zypper/...). */
import type { BuildContext, Hit } from '../context.js';
import { appendToRun, hasCacheMount, insertAfter } from '../context.js';
import { effective, hasFlag } from '../../../dockerfile/shell/command.js';
import { isPinned, type Manager, type PackageCommand } from '../../../dockerfile/shell/packages.js';
import { definedVars, pkgHits, runs } from './util.js';
import { referencedVars } from '../../../dockerfile/vars.js';
import type { Instruction } from '../../../dockerfile/model.js';

/** `<manager> install` without a non-interactive flag; the fix inserts ` -y` after the action. */
export function missingYes(ctx: BuildContext, managers: Manager[], long: string[], short: string[]): Hit[] {
  return pkgHits(ctx, managers, (p, inst) => {
    if (p.action !== 'install' && p.action !== 'groupinstall' && p.action !== 'localinstall') return undefined;
    if (hasFlag(p.args, long, short)) return undefined;
    const edits = insertAfter(inst, p.actionWord?.end, ' -y');
    return { message: `${p.manager} ${p.action} without a non-interactive switch (-y)`, key: p.packages.join(' '), ...(edits ? { edits } : {}) };
  });
}

/**
 * `<manager> install` (or another action in `installing`) with no cleaning command, cache removal or cache
 * mount after the last such command of the same RUN (a clean before the install leaves the install's cache).
 */
export function missingClean(
  ctx: BuildContext,
  managers: Manager[],
  /** `installer`: the program of the last installing command (dnf and microdnf each clean their own cache) */
  isClean: (name: string, args: string[], installer: string) => boolean,
  cacheDirs: string[],
  what: string,
  fixCommand?: (m: Manager) => string,
  installing: string[] = ['install'],
): Hit[] {
  const hits: Hit[] = [];
  for (const inst of runs(ctx, true)) {
    const installs = ctx.packages(inst).filter((x) => managers.includes(x.manager) && installing.includes(x.action));
    if (!installs.length || hasCacheMount(inst, cacheDirs)) continue;
    const cmds = ctx.commands(inst);
    const lastInstall = Math.max(...installs.map((p) => cmds.indexOf(p.cmd)));
    const installer = cmds[lastInstall] ? effective(cmds[lastInstall]).name : '';
    const cleanedAfter = cmds.some((c, i) => {
      if (i <= lastInstall) return false;
      const e = effective(c);
      const args = e.argv.slice(1);
      return isClean(e.name, args, installer) || (e.name === 'rm' && args.some((x) => cacheDirs.some((d) => x.replace(/^["']|["']$/g, '').startsWith(d))));
    });
    if (cleanedAfter) continue;
    const p = installs[installs.length - 1]!;
    const edits = fixCommand ? appendToRun(ctx, inst, fixCommand(p.manager)) : undefined;
    hits.push({ inst, message: `${p.manager} ${p.action} without '${what}' after it in the same RUN`, key: p.manager, ...(edits ? { edits } : {}) });
  }
  return hits;
}

/** install arguments without a version pin. */
export function notPinned(ctx: BuildContext, managers: Manager[], actions: string[] = ['install'], pinned: (p: PackageCommand, pkg: string, inst: Instruction) => boolean = (p, x) => isPinned(p.manager, x, p.args)): Hit[] {
  return pkgHits(ctx, managers, (p, inst) => {
    if (!actions.includes(p.action)) return undefined;
    const loose = p.packages.filter((x) => !pinned(p, x, inst));
    return loose.length ? { message: `${p.manager} ${p.action} without version pins: ${loose.join(', ')}`, key: loose.join(' '), evidence: { packages: loose } } : undefined;
  });
}

/**
 * yum/dnf pins: NAME-VERSION (or a .rpm file), a module as NAME:STREAM, and a version in a variable only when
 * ARG/ENV defines that variable for this RUN (hadolint DL3033/DL3041).
 */
export function rpmPinned(ctx: BuildContext, inst: Instruction, p: PackageCommand, pkg: string): boolean {
  if (p.action === 'module-install') return pkg.includes(':');
  if (pkg.includes('$')) {
    const defined = definedVars(ctx, inst);
    return referencedVars(pkg).every((v) => defined.has(v));
  }
  return isPinned(p.manager, pkg, p.args);
}
