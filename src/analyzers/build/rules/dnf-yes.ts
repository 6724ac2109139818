import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { missingYes } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-043',
    title: 'dnf install without -y',
    severity: 'medium',
    rationale: 'Without -y dnf waits for a confirmation that never comes in a build.',
    remediation: 'Use `dnf install -y ...`.',
    references: ['DL3038'],
    helpUri: HADOLINT('DL3038'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) => missingYes(ctx, ['dnf', 'microdnf'], ['assumeyes'], ['y']),
);
