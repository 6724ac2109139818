import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-060',
    title: 'CMD/ENTRYPOINT in shell form',
    severity: 'low',
    rationale: 'Shell form runs the process under /bin/sh -c: it is not PID 1, does not receive SIGTERM, and containers stop only after the kill timeout.',
    remediation: 'Use JSON (exec) form: `CMD ["node", "server.js"]`.',
    references: ['DL3025'],
    helpUri: HADOLINT('DL3025'),
    stage: 'build',
  },
  (ctx) =>
    [...ctx.all('CMD'), ...ctx.all('ENTRYPOINT'), ...ctx.all('HEALTHCHECK')]
      // HEALTHCHECK: only its CMD form (HEALTHCHECK NONE has no command)
      .filter((i) => !i.json && i.args.trim() !== '' && (i.keyword !== 'HEALTHCHECK' || /(^|\s)CMD\s+\S/i.test(i.args)))
      .map((inst) => ({ inst, message: `${inst.keyword}${inst.keyword === 'HEALTHCHECK' ? ' CMD' : ''} in shell form: use JSON notation` })),
);
