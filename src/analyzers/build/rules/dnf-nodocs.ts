import { defineRule } from '../rule.js';
import { hasFlag } from '../shell/command.js';
import { AVD, pkgHits } from './util.js';

export default defineRule(
  {
    id: 'BW-BUILD-046',
    title: 'dnf/microdnf install without --nodocs',
    severity: 'info',
    rationale: 'Documentation is dead weight in an image.',
    remediation: 'Use `dnf install -y --nodocs ...` (or set tsflags=nodocs).',
    references: ['DS028', 'AVD-DS-0028'],
    helpUri: AVD('DS028'),
  },
  (ctx) =>
    pkgHits(ctx, ['dnf', 'microdnf'], (p) =>
      p.action === 'install' && !hasFlag(p.args, ['nodocs']) && !p.args.some((a) => /tsflags=nodocs/.test(a)) ? { message: `${p.manager} install without --nodocs`, key: p.packages.join(' ') } : undefined,
    ),
);
