import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { missingYes } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-037',
    title: 'yum install without -y',
    severity: 'medium',
    rationale: 'Without -y yum waits for a confirmation that never comes in a build.',
    remediation: 'Use `yum install -y ...`.',
    references: ['DL3030'],
    helpUri: HADOLINT('DL3030'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) => missingYes(ctx, ['yum'], ['assumeyes'], ['y']),
);
