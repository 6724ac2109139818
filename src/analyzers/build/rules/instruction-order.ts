import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { KNOWN_INSTRUCTIONS } from '../../../dockerfile/parse.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-049',
    title: 'Instruction before the first FROM',
    severity: 'medium',
    rationale: 'Only ARG (and parser directives/comments) may precede the first FROM; anything else is a build error.',
    remediation: 'Start the Dockerfile with FROM (ARG may come before it).',
    references: ['DL3061'],
    helpUri: HADOLINT('DL3061'),
    stage: 'build',
  },
  (ctx) => {
    // a fragment with no FROM at all is reported as such (BW-BUILD-000); here: instructions before a FROM that follows
    const lead = ctx.df.stages[0];
    const hasFrom = ctx.df.stages.some((s) => !s.implicit);
    const first = lead?.implicit && hasFrom ? lead.from : ctx.df.instructions.find((i) => i.stage === -1 && i.keyword !== 'ARG' && KNOWN_INSTRUCTIONS.has(i.keyword));
    return first ? [{ inst: first, message: `${first.keyword} before the first FROM: a Dockerfile must begin with FROM or ARG` }] : [];
  },
);
