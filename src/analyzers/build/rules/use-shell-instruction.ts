import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { HADOLINT, runs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-065',
    title: 'Default shell replaced with ln instead of SHELL',
    severity: 'low',
    rationale: 'Symlinking /bin/sh changes the shell for every program in the image, not only the build.',
    remediation: 'Use the SHELL instruction: `SHELL ["/bin/bash", "-c"]`.',
    references: ['DL4005'],
    helpUri: HADOLINT('DL4005'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      const ln = ctx.commands(inst).find((c) => {
        const e = effective(c);
        return e.name === 'ln' && e.argv[e.argv.length - 1] === '/bin/sh';
      });
      if (ln) hits.push({ inst, message: 'RUN replaces /bin/sh with ln: use SHELL' });
    }
    return hits;
  },
);
