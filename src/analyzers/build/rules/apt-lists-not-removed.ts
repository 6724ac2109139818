import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { appendToRun, hasCacheMount } from '../context.js';
import { HADOLINT, removes, runs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-026',
    title: 'apt lists not removed after install',
    severity: 'low',
    rationale: '/var/lib/apt/lists holds tens of MB of package indexes that are useless at runtime and go stale; removing them in the same RUN keeps them out of the layer.',
    remediation: 'End the RUN with `&& rm -rf /var/lib/apt/lists/*` (or use a cache mount for /var/lib/apt/lists).',
    references: ['DL3009'],
    helpUri: HADOLINT('DL3009'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx, true)) {
      const pk = ctx.packages(inst);
      if (!pk.some((p) => (p.manager === 'apt-get' || p.manager === 'apt' || p.manager === 'aptitude') && (p.action === 'install' || p.action === 'update'))) continue;
      if (!pk.some((p) => p.action === 'install')) continue;
      if (removes(ctx, inst, ['/var/lib/apt/lists']) || hasCacheMount(inst, ['/var/lib/apt/lists'])) continue;
      // hadolint: cache mounts on both /var/lib/apt and /var/cache/apt keep the lists out of the layer too
      if (hasCacheMount(inst, ['/var/lib/apt']) && hasCacheMount(inst, ['/var/cache/apt'])) continue;
      const edits = appendToRun(ctx, inst, 'rm -rf /var/lib/apt/lists/*');
      hits.push({
        inst,
        message: 'apt-get install without removing /var/lib/apt/lists in the same RUN',
        ...(edits ? { edits } : {}),
      });
    }
    return hits;
  },
);
