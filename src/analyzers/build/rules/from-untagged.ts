import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-002',
    title: 'Base image has no tag',
    severity: 'medium',
    rationale: 'An image without a tag means `latest`: builds are not reproducible and upgrades arrive unreviewed.',
    remediation: 'Name a version tag explicitly, e.g. `FROM debian:12.5-slim`.',
    references: ['DL3006', 'DS001', 'AVD-DS-0001'],
    helpUri: HADOLINT('DL3006'),
    tags: ['from', 'pinning'],
    stage: 'build',
  },
  (ctx) =>
    ctx.df.stages
      .filter((s) => s.parent === undefined && !s.image.scratch && !s.image.unresolved && s.image.tag === undefined && !s.image.digest && s.image.value !== '')
      .map((s) => ({ inst: s.from, message: `FROM ${s.image.value} has no tag: it resolves to 'latest'`, key: s.image.value })),
);
