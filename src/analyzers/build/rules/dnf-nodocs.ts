import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { hasFlag } from '../../../dockerfile/shell/command.js';
import { AVD, pkgHits } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-046',
    title: 'dnf/microdnf install without --nodocs',
    severity: 'info',
    rationale: 'Documentation is dead weight in an image.',
    remediation: 'Use `dnf install -y --nodocs ...` (or set tsflags=nodocs).',
    references: ['DS028', 'AVD-DS-0028'],
    helpUri: AVD('DS028'),
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['dnf', 'microdnf'], (p) =>
      p.action === 'install' && !hasFlag(p.args, ['nodocs']) && !p.args.some((a) => /tsflags=nodocs/.test(a)) ? { message: `${p.manager} install without --nodocs`, key: p.packages.join(' ') } : undefined,
    ),
);
