import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-003',
    title: 'Base image not pinned by digest',
    severity: 'info',
    rationale: 'Tags are mutable: a registry (or anyone who can push to it) can point a tag at different content. Only a digest names exact bytes.',
    remediation: 'Append the digest: `FROM alpine:3.20@sha256:<digest>` (tools like Renovate keep it current).',
    references: [],
    tags: ['from', 'pinning', 'supply-chain'],
    stage: 'build',
  },
  (ctx) =>
    ctx.df.stages
      .filter((s) => s.parent === undefined && !s.image.scratch && !s.image.unresolved && !s.image.digest && s.image.value !== '')
      .map((s) => ({ inst: s.from, message: `FROM ${s.image.value} is not pinned by digest`, key: s.image.value })),
);
