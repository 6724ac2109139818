import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { repeatedInStage } from './repeated.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-006',
    title: 'Multiple HEALTHCHECK instructions in one stage',
    severity: 'low',
    rationale: 'Only the last HEALTHCHECK of a stage takes effect; earlier ones are dead code that misleads readers.',
    remediation: 'Keep a single HEALTHCHECK per stage.',
    references: ['DL3012', 'DS023', 'AVD-DS-0023'],
    helpUri: HADOLINT('DL3012'),
    stage: 'build',
  },
  (ctx) => repeatedInStage(ctx, 'HEALTHCHECK'),
);
