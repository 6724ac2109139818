import { defineRule } from '../rule.js';
import { HADOLINT } from './util.js';
import { notPinned } from './pkg-factories.js';

export default defineRule(
  {
    id: 'BW-BUILD-034',
    title: 'npm/yarn packages not version-pinned',
    severity: 'low',
    rationale: 'Installing a package by name takes whatever was published last, including a hijacked release.',
    remediation: 'Pin versions: `npm install express@4.19.2`, or install from a lockfile with `npm ci`.',
    references: ['DL3016'],
    helpUri: HADOLINT('DL3016'),
    tags: ['pinning'],
  },
  (ctx) => notPinned(ctx, ['npm', 'yarn', 'pnpm']),
);
