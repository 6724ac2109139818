import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { notPinned } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-036',
    title: 'go install without a pinned version',
    severity: 'low',
    rationale: '`go install pkg` or `pkg@latest` builds whatever the module proxy has today.',
    remediation: 'Use `go install example.com/tool@v1.2.3`.',
    references: ['DL3062'],
    helpUri: HADOLINT('DL3062'),
    tags: ['pinning'],
    stage: 'build',
  },
  (ctx) => notPinned(ctx, ['go'], ['install', 'get', 'run']),
);
