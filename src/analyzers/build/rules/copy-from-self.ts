import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT, flag } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-016',
    title: 'COPY --from refers to its own stage',
    severity: 'medium',
    rationale: 'A stage cannot copy from itself; the build fails or silently pulls an image of the same name.',
    remediation: 'Point --from at an earlier stage or an image.',
    references: ['DL3023', 'DS006', 'AVD-DS-0006'],
    helpUri: HADOLINT('DL3023'),
    stage: 'build',
  },
  (ctx) =>
    ctx.all('COPY').flatMap((inst) => {
      const from = flag(inst, 'from');
      const stage = ctx.df.stages[inst.stage];
      if (!from || !stage?.alias) return [];
      return from.toLowerCase() === stage.alias ? [{ inst, message: `COPY --from=${from} refers to the stage it is in`, key: from }] : [];
    }),
);
