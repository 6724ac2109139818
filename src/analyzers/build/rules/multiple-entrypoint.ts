import { defineRule } from '../rule.js';
import { HADOLINT } from './util.js';
import { repeatedInStage } from './repeated.js';

export default defineRule(
  {
    id: 'BW-BUILD-021',
    title: 'Multiple ENTRYPOINT instructions in one stage',
    severity: 'low',
    rationale: 'Only the last ENTRYPOINT takes effect.',
    remediation: 'Keep one ENTRYPOINT per stage.',
    references: ['DL4004', 'DS007', 'AVD-DS-0007'],
    helpUri: HADOLINT('DL4004'),
  },
  (ctx) => repeatedInStage(ctx, 'ENTRYPOINT'),
);
