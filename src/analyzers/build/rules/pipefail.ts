import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { HADOLINT } from './util.js';

const NON_POSIX = /^(pwsh|powershell|cmd)/i;

/** shells whose `-o pipefail` works (dash, the usual /bin/sh, has none) */
const PIPEFAIL_SHELLS = new Set(['bash', 'zsh', 'ash', 'ksh', 'mksh']);

function shellHasPipefail(argv: string[]): boolean {
  for (let i = 0; i < argv.length - 1; i++) {
    if (/^-[a-z]*o$/.test(argv[i]!) && argv[i + 1] === 'pipefail') return true;
  }
  return false;
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-064',
    title: 'RUN with a pipe without pipefail',
    severity: 'low',
    rationale: '/bin/sh -c reports only the last command of a pipe: `curl ... | tar x` succeeds even when the download failed.',
    remediation: 'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN (or start it with `set -o pipefail &&`).',
    references: ['DL4006', 'DS032', 'AVD-DS-0032'],
    helpUri: HADOLINT('DL4006'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const s of ctx.df.stages) {
      let pipefail = false;
      for (const inst of s.instructions) {
        if (inst.keyword === 'SHELL') {
          const argv = inst.json ?? [];
          const shell = argv[0]?.split(/[\\/]/).pop() ?? '';
          pipefail = NON_POSIX.test(shell) || (PIPEFAIL_SHELLS.has(shell) && shellHasPipefail(argv));
          continue;
        }
        if (inst.keyword !== 'RUN' || inst.json || pipefail) continue;
        const cmds = ctx.commands(inst);
        const firstPipe = cmds.find((c) => c.depth === 0 && c.pipeLength > 1);
        if (!firstPipe) continue;
        const setsIt = cmds.some((c) => effective(c).name === 'set' && shellHasPipefail(c.argv) && c.pipeline < firstPipe.pipeline);
        if (!setsIt) hits.push({ inst, message: 'RUN uses a pipe without `set -o pipefail` (or a SHELL with -o pipefail)' });
      }
    }
    return hits;
  },
);
