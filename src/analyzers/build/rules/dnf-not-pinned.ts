import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { notPinned, rpmPinned } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-045',
    title: 'dnf packages not version-pinned',
    severity: 'low',
    rationale: 'Unpinned packages make the build depend on the repository state on the day of the build.',
    remediation: 'Pin versions: `dnf install -y foo-1.2.3`.',
    references: ['DL3041'],
    helpUri: HADOLINT('DL3041'),
    tags: ['pinning'],
    stage: 'build',
  },
  (ctx) => notPinned(ctx, ['dnf', 'microdnf'], ['install', 'module-install'], (p, x, inst) => rpmPinned(ctx, inst, p, x)),
);
