import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { notPinned } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-034',
    title: 'npm/yarn packages not version-pinned',
    severity: 'low',
    rationale: 'Installing a package by name takes whatever was published last, including a hijacked release.',
    remediation: 'Pin versions: `npm install express@4.19.2`, or install from a lockfile with `npm ci`.',
    references: ['DL3016'],
    helpUri: HADOLINT('DL3016'),
    tags: ['pinning'],
    stage: 'build',
  },
  (ctx) => notPinned(ctx, ['npm', 'yarn', 'pnpm']),
);
