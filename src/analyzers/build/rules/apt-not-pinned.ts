import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { isPinned } from '../../../dockerfile/shell/packages.js';
import { HADOLINT, pkgHits } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-027',
    title: 'apt packages not version-pinned',
    severity: 'low',
    rationale: 'Unpinned packages make the build depend on the mirror\'s state on that day; rebuilding an old tag yields different, untested software.',
    remediation: 'Pin versions: `apt-get install -y foo=1.2.3-1`.',
    references: ['DL3008'],
    helpUri: HADOLINT('DL3008'),
    tags: ['pinning'],
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['apt-get', 'apt', 'aptitude'], (p) => {
      if (p.action !== 'install') return undefined;
      const loose = p.packages.filter((x) => !isPinned(p.manager, x));
      return loose.length ? { message: `${p.manager} install without version pins: ${loose.join(', ')}`, key: loose.join(' '), evidence: { packages: loose } } : undefined;
    }),
);
