import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { HADOLINT, runs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-012',
    title: 'cd used to change directory in RUN',
    severity: 'low',
    rationale: '`cd` in one RUN does not carry to the next; WORKDIR makes the working directory explicit and keeps later instructions correct.',
    remediation: 'Use `WORKDIR /path` instead of `RUN cd /path && ...`.',
    references: ['DL3003', 'DS013', 'AVD-DS-0013'],
    helpUri: HADOLINT('DL3003'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      const cd = ctx.commands(inst).find((c) => c.depth === 0 && effective(c).name === 'cd');
      if (cd) hits.push({ inst, message: `RUN changes directory with '${cd.argv.join(' ')}': use WORKDIR`, key: cd.argv.join(' ') });
    }
    return hits;
  },
);
