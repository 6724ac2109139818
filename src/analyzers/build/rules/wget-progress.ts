import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective, hasFlag } from '../../../dockerfile/shell/command.js';
import { HADOLINT, runs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-054',
    title: 'wget without --progress',
    severity: 'info',
    rationale: 'wget\'s default progress bar floods build logs when downloading large files.',
    remediation: 'Use `wget --progress=dot:giga ...` (or -q / -nv).',
    references: ['DL3047'],
    helpUri: HADOLINT('DL3047'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      for (const c of ctx.commands(inst)) {
        const e = effective(c);
        if (e.name !== 'wget') continue;
        const a = e.argv.slice(1);
        if (hasFlag(a, ['progress', 'quiet', 'no-verbose', 'output-file', 'append-output'], ['q', 'o', 'a']) || a.includes('-nv')) continue;
        hits.push({ inst, message: 'wget without --progress: noisy build logs', key: a.join(' ') });
      }
    }
    return hits;
  },
);
