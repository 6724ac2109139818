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
    ctx.df.stages.flatMap((s) => {
      if (s.parent !== undefined || s.implicit) return [];
      let img = s.image;
      let how = '';
      if (img.unresolved) {
        // `FROM ${REGISTRY}/ubuntu` or `FROM alpine$TAG`: judge what a build without --build-arg uses, unless
        // the tag itself is written as a variable (`FROM foo:${TAG}`) or the whole reference is one
        const lastPart = s.image.raw.slice(s.image.raw.lastIndexOf('/') + 1);
        if (!img.withDefaults || lastPart.includes(':') || lastPart.includes('@') || /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(lastPart)) return [];
        img = img.withDefaults;
        how = ` (as built without --build-arg: ${img.value})`;
      }
      if (img.scratch || img.tag !== undefined || img.digest || img.value === '' || img.name === '') return [];
      return [{ inst: s.from, message: `FROM ${s.image.value}${how} has no tag: it resolves to 'latest'`, key: s.image.value }];
    }),
);
