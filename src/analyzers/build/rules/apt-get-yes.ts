import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { insertAfter } from '../context.js';
import { hasFlag } from '../../../dockerfile/shell/command.js';
import { HADOLINT, pkgHits } from './util.js';

/** -y, --yes, --assume-yes, -qq, -q=2, or -y inside a short-flag cluster */
export function aptAssumesYes(args: string[]): boolean {
  if (hasFlag(args, ['yes', 'assume-yes', 'force-yes'], ['y'])) return true;
  if (args.some((a) => a === '-qq' || a === '-q=2' || a === '--quiet=2' || /^-[a-z]*q[a-z]*q/.test(a))) return true;
  // quiet level 2 (which implies -y) also from repeating the switch: -q -q, --quiet --quiet
  let q = 0;
  for (const a of args) {
    if (a === '--') break;
    if (a === '--quiet') q++;
    else if (/^-[a-z]+$/.test(a)) q += [...a.slice(1)].filter((c) => c === 'q').length;
  }
  return q >= 2;
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-024',
    title: 'apt-get install without -y',
    severity: 'medium',
    rationale: 'Without -y apt-get waits for a confirmation that never comes in a build; the build aborts or behaves differently per package set.',
    remediation: 'Use `apt-get install -y ...`.',
    references: ['DL3014', 'DS021', 'AVD-DS-0021'],
    helpUri: HADOLINT('DL3014'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['apt-get'], (p, inst) => {
      if (p.action !== 'install' || aptAssumesYes(p.args)) return undefined;
      const edits = insertAfter(inst, p.actionWord?.end, ' -y');
      return { message: 'apt-get install without -y', key: p.packages.join(' '), ...(edits ? { edits } : {}) };
    }),
);
