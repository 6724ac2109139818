import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { repeatedInStage } from './repeated.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-020',
    title: 'Multiple CMD instructions in one stage',
    severity: 'low',
    rationale: 'Only the last CMD takes effect.',
    remediation: 'Keep one CMD per stage.',
    references: ['DL4003', 'DS016', 'AVD-DS-0016'],
    helpUri: HADOLINT('DL4003'),
    stage: 'build',
  },
  (ctx) => repeatedInStage(ctx, 'CMD'),
);
