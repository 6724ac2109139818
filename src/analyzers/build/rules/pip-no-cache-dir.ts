import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { hasCacheMount, insertAfter } from '../context.js';
import { hasFlag } from '../../../dockerfile/shell/command.js';
import type { Instruction, Stage } from '../../../dockerfile/model.js';
import type { PackageCommand } from '../../../dockerfile/shell/packages.js';
import { HADOLINT, pkgHits } from './util.js';

/** pip reads PIP_NO_CACHE_DIR as a boolean: 1/true/yes/on disable the cache */
function truthy(v: string | null | undefined): boolean {
  return Boolean(v) && !/^(0|false|off|no)$/i.test(v!.replace(/^["']|["']$/g, ''));
}

/** `export PIP_NO_CACHE_DIR=1` earlier in the same RUN */
function exportedBefore(ctx: BuildContext, inst: Instruction, p: PackageCommand): boolean {
  const cmds = ctx.commands(inst);
  const at = cmds.indexOf(p.cmd);
  return cmds.slice(0, at).some((c) => c.argv[0] === 'export' && c.argv.slice(1).some((a) => a.startsWith('PIP_NO_CACHE_DIR=') && truthy(a.slice(17))));
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-033',
    title: 'pip install without --no-cache-dir',
    severity: 'low',
    rationale: 'pip keeps downloaded wheels in ~/.cache/pip inside the layer.',
    remediation: 'Use `pip install --no-cache-dir ...` (or set ENV PIP_NO_CACHE_DIR=1, or a cache mount).',
    references: ['DL3042'],
    helpUri: HADOLINT('DL3042'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) => {
    const envOff = new Set<number>();
    for (const e of ctx.all('ENV')) if (e.properties.some((p) => p.name === 'PIP_NO_CACHE_DIR' && truthy(p.value))) envOff.add(e.stage);
    // a stage built FROM another inherits its ENV
    const off = (stage: number): boolean => {
      let s: Stage | undefined = ctx.df.stages[stage];
      for (let n = 0; s && n <= ctx.df.stages.length; n++) {
        if (envOff.has(s.index)) return true;
        s = s.parent !== undefined ? ctx.df.stages[s.parent] : undefined;
      }
      return false;
    };
    return pkgHits(ctx, ['pip'], (p, inst) => {
      if (p.action !== 'install' || hasFlag(p.args, ['no-cache-dir'])) return undefined;
      if (off(inst.stage) || truthy(p.env['PIP_NO_CACHE_DIR']) || exportedBefore(ctx, inst, p)) return undefined;
      if (hasCacheMount(inst, ['/root/.cache/pip', '/root/.cache', '/home'])) return undefined;
      const edits = insertAfter(inst, p.actionWord?.end, ' --no-cache-dir');
      return { message: 'pip install without --no-cache-dir', key: p.packages.join(' '), ...(edits ? { edits } : {}) };
    });
  },
);
