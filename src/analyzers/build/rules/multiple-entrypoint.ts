import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { repeatedInStage } from './repeated.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-021',
    title: 'Multiple ENTRYPOINT instructions in one stage',
    severity: 'low',
    rationale: 'Only the last ENTRYPOINT takes effect.',
    remediation: 'Keep one ENTRYPOINT per stage.',
    references: ['DL4004', 'DS007', 'AVD-DS-0007'],
    helpUri: HADOLINT('DL4004'),
    stage: 'build',
  },
  (ctx) => repeatedInStage(ctx, 'ENTRYPOINT'),
);
