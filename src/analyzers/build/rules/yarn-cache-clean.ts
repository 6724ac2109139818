import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { appendToRun, hasCacheMount } from '../context.js';
import { HADOLINT, runs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-047',
    title: 'yarn cache clean missing after yarn install',
    severity: 'low',
    rationale: 'yarn keeps a copy of every package tarball in its cache inside the layer.',
    remediation: 'End the RUN with `&& yarn cache clean` (or use a cache mount).',
    references: ['DL3060'],
    autoFixable: true,
    helpUri: HADOLINT('DL3060'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx, true)) {
      const pk = ctx.packages(inst).filter((p) => p.manager === 'yarn');
      const install = pk.find((p) => p.action === 'install' || p.action === '' || p.action === 'global');
      if (!install) continue;
      const cmds = ctx.commands(inst);
      const at = cmds.indexOf(install.cmd);
      if (pk.some((p) => p.action === 'cache' && p.args.includes('clean') && cmds.indexOf(p.cmd) > at)) continue;
      if (hasCacheMount(inst, ['/usr/local/share/.cache/yarn', '/root/.cache/yarn', '/root/.yarn'])) continue;
      const edits = appendToRun(ctx, inst, 'yarn cache clean');
      hits.push({ inst, message: 'yarn install without yarn cache clean in the same RUN', ...(edits ? { edits } : {}) });
    }
    return hits;
  },
);
