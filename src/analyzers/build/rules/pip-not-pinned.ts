import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { hasFlag } from '../../../dockerfile/shell/command.js';
import { isPinned } from '../../../dockerfile/shell/packages.js';
import { HADOLINT, pkgHits } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-032',
    title: 'pip packages not version-pinned',
    severity: 'low',
    rationale: 'pip resolves the newest release at build time: a malicious or breaking release is installed without review.',
    remediation: 'Pin versions (`pip install foo==1.2.3`) or install from a pinned requirements/constraints file.',
    references: ['DL3013'],
    helpUri: HADOLINT('DL3013'),
    tags: ['pinning'],
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['pip', 'pipx'], (p) => {
      if (p.action !== 'install' || hasFlag(p.args, ['constraint', 'requirement'], ['c', 'r'])) return undefined;
      const loose = p.packages.filter((x) => !isPinned(p.manager, x));
      return loose.length ? { message: `pip install without version pins: ${loose.join(', ')}`, key: loose.join(' '), evidence: { packages: loose } } : undefined;
    }),
);
