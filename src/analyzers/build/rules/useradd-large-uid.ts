import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective, flagValue, hasFlag } from '../../../dockerfile/shell/command.js';
import { HADOLINT, runs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-053',
    title: 'useradd with a high UID without -l',
    severity: 'low',
    rationale: 'useradd writes a sparse lastlog/faillog entry sized by the UID; a high UID without -l (--no-log-init) can add gigabytes to the layer.',
    remediation: 'Use `useradd -l -u <uid> ...`.',
    references: ['DL3046'],
    helpUri: HADOLINT('DL3046'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      for (const c of ctx.commands(inst)) {
        const e = effective(c);
        if (e.name !== 'useradd') continue;
        const args = e.argv.slice(1);
        const uid = flagValue(args, ['uid'], ['u']);
        if (!uid || !/^\d+$/.test(uid) || uid.length <= 5) continue;
        if (hasFlag(args, ['no-log-init'], ['l'])) continue;
        hits.push({ inst, message: `useradd -u ${uid} without -l (--no-log-init)`, key: uid });
      }
    }
    return hits;
  },
);
