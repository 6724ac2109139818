import { defineRule } from '../rule.js';
import { HADOLINT } from './util.js';
import { missingYes } from './pkg-factories.js';

export default defineRule(
  {
    id: 'BW-BUILD-043',
    title: 'dnf install without -y',
    severity: 'medium',
    rationale: 'Without -y dnf waits for a confirmation that never comes in a build.',
    remediation: 'Use `dnf install -y ...`.',
    references: ['DL3038'],
    helpUri: HADOLINT('DL3038'),
    autoFixable: true,
  },
  (ctx) => missingYes(ctx, ['dnf'], ['assumeyes'], ['y']),
);
