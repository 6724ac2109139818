import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { HADOLINT, runs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-011',
    title: 'sudo used in RUN',
    severity: 'high',
    rationale: 'Builds already run as the current USER; sudo in an image means sudo (and its setuid binary and sudoers rules) ships, giving any process a path back to root.',
    remediation: 'Run privileged steps before switching USER (or switch to root for them explicitly) and do not install sudo; use gosu/su-exec for entrypoints that drop privileges.',
    references: ['DL3004', 'DS010', 'AVD-DS-0010'],
    helpUri: HADOLINT('DL3004'),
    tags: ['privilege'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      if (ctx.commands(inst).some((c) => effective(c).sudo)) {
        hits.push({ inst, message: 'RUN uses sudo' });
      }
    }
    return hits;
  },
);
