import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { notPinned } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-042',
    title: 'zypper packages not version-pinned',
    severity: 'low',
    rationale: 'Unpinned packages make the build depend on the repository state on the day of the build.',
    remediation: 'Pin versions: `zypper install -y foo=1.2.3` (or `foo>=1.2`).',
    references: ['DL3037'],
    helpUri: HADOLINT('DL3037'),
    tags: ['pinning'],
    stage: 'build',
  },
  (ctx) => notPinned(ctx, ['zypper']),
);
