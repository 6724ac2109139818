import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { notPinned } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-035',
    title: 'gem packages not version-pinned',
    severity: 'low',
    rationale: 'gem install without a version takes the newest release at build time.',
    remediation: 'Pin versions: `gem install bundler:2.5.6` or `gem install bundler -v 2.5.6`.',
    references: ['DL3028'],
    helpUri: HADOLINT('DL3028'),
    tags: ['pinning'],
    stage: 'build',
  },
  (ctx) => notPinned(ctx, ['gem']),
);
