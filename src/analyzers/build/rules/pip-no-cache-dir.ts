import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { hasCacheMount, insertAfter } from '../context.js';
import { hasFlag } from '../../../dockerfile/shell/command.js';
import { HADOLINT, pkgHits } from './util.js';

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
    for (const e of ctx.all('ENV')) if (e.properties.some((p) => p.name === 'PIP_NO_CACHE_DIR' && p.value && !/^(0|false|off|no)$/i.test(p.value))) envOff.add(e.stage);
    return pkgHits(ctx, ['pip'], (p, inst) => {
      if (p.action !== 'install' || hasFlag(p.args, ['no-cache-dir'])) return undefined;
      if (envOff.has(inst.stage) || hasCacheMount(inst, ['/root/.cache/pip', '/root/.cache', '/home'])) return undefined;
      const edits = insertAfter(inst, p.actionWord?.end, ' --no-cache-dir');
      return { message: 'pip install without --no-cache-dir', key: p.packages.join(' '), ...(edits ? { edits } : {}) };
    });
  },
);
