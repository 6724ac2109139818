import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { HADOLINT, runs } from './util.js';

const POINTLESS = new Set(['free', 'kill', 'mount', 'ps', 'service', 'shutdown', 'ssh', 'top', 'vim', 'ifconfig']);

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-063',
    title: 'Command that makes no sense in a build',
    severity: 'info',
    rationale: 'Interactive or system-management commands (ssh, vim, service, shutdown, top, ps, kill, mount, free, ifconfig) have no effect in a build or signal a VM-style image.',
    remediation: 'Remove the command; use the container runtime for such tasks.',
    references: ['DL3001'],
    helpUri: HADOLINT('DL3001'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      const c = ctx.commands(inst).find((x) => POINTLESS.has(effective(x).name));
      if (c) hits.push({ inst, message: `'${effective(c).name}' makes no sense in a Docker build`, key: effective(c).name });
    }
    return hits;
  },
);
