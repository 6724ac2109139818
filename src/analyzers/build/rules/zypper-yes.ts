import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { missingYes } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-040',
    title: 'zypper install without a non-interactive switch',
    severity: 'medium',
    rationale: 'zypper prompts for confirmation unless told not to.',
    remediation: 'Use `zypper install -y ...` (or `zypper --non-interactive install`).',
    references: ['DL3034'],
    helpUri: HADOLINT('DL3034'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) => missingYes(ctx, ['zypper'], ['non-interactive', 'no-confirm'], ['y', 'n']),
);
