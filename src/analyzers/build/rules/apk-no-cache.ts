import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { hasCacheMount, insertAfter } from '../context.js';
import { hasFlag } from '../../../dockerfile/shell/command.js';
import { HADOLINT, pkgHits, removes } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-030',
    title: 'apk add without --no-cache',
    severity: 'low',
    rationale: 'apk keeps its index cache in the layer unless told not to.',
    remediation: 'Use `apk add --no-cache ...`.',
    references: ['DL3019', 'DS025', 'AVD-DS-0025'],
    helpUri: HADOLINT('DL3019'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['apk'], (p, inst) => {
      if (p.action !== 'install' || hasFlag(p.args, ['no-cache'])) return undefined;
      if (hasCacheMount(inst, ['/var/cache/apk', '/etc/apk/cache']) || removes(ctx, inst, ['/var/cache/apk'])) return undefined;
      const edits = insertAfter(inst, p.actionWord?.end, ' --no-cache');
      return { message: 'apk add without --no-cache', key: p.packages.join(' '), ...(edits ? { edits } : {}) };
    }),
);
