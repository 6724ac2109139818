import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { insertAfter } from '../context.js';
import { hasFlag } from '../../../dockerfile/shell/command.js';
import { HADOLINT, pkgHits } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-025',
    title: 'apt-get install without --no-install-recommends',
    severity: 'low',
    rationale: 'Recommended packages are pulled in by default: more code, more CVEs, bigger images, none of it asked for.',
    remediation: 'Use `apt-get install -y --no-install-recommends ...`.',
    references: ['DL3015', 'DS029', 'AVD-DS-0029'],
    helpUri: HADOLINT('DL3015'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['apt-get'], (p, inst) => {
      if (p.action !== 'install' || p.packages.length === 0) return undefined;
      if (hasFlag(p.args, ['no-install-recommends']) || p.args.some((a) => /APT::Install-Recommends=(false|0|no)/i.test(a))) return undefined;
      const edits = insertAfter(inst, p.actionWord?.end, ' --no-install-recommends');
      return { message: 'apt-get install without --no-install-recommends', key: p.packages.join(' '), ...(edits ? { edits } : {}) };
    }),
);
