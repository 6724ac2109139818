import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { isPinned } from '../../../dockerfile/shell/packages.js';
import { HADOLINT, pkgHits } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-031',
    title: 'apk packages not version-pinned',
    severity: 'low',
    rationale: 'Unpinned packages make the build depend on the repository state on the day of the build.',
    remediation: 'Pin versions: `apk add --no-cache foo=1.2.3-r0` (or `foo~1.2`).',
    references: ['DL3018'],
    helpUri: HADOLINT('DL3018'),
    tags: ['pinning'],
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['apk'], (p) => {
      if (p.action !== 'install') return undefined;
      const loose = p.packages.filter((x) => !isPinned('apk', x));
      return loose.length ? { message: `apk add without version pins: ${loose.join(', ')}`, key: loose.join(' '), evidence: { packages: loose } } : undefined;
    }),
);
