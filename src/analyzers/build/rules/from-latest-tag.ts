import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { AVD, HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-001',
    title: 'Base image uses the latest tag',
    severity: 'medium',
    rationale: '`latest` moves: the same Dockerfile builds a different image tomorrow, and a compromised or broken upstream push lands silently.',
    remediation: 'Pin a specific version tag (and ideally a digest), e.g. `FROM node:20.11-alpine3.19@sha256:...`.',
    references: ['DL3007', 'DS001', 'AVD-DS-0001'],
    helpUri: HADOLINT('DL3007'),
    tags: ['from', 'pinning'],
    stage: 'build',
  },
  (ctx) =>
    ctx.df.stages.flatMap((s) => {
      if (s.parent !== undefined) return [];
      // a reference with unset build arguments: judge what a build without --build-arg uses
      const img = s.image.unresolved ? s.image.withDefaults : s.image;
      if (!img || img.tag?.toLowerCase() !== 'latest' || img.digest) return [];
      const how = s.image.unresolved ? ` (as built without --build-arg: ${img.value})` : '';
      return [{ inst: s.from, message: `FROM ${s.image.value}${how}: the 'latest' tag is not a pinned version`, key: s.image.value }];
    }),
);
void AVD;
