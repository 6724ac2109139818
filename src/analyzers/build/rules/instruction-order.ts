import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
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
    const first = ctx.df.instructions.find((i) => i.stage === -1 && i.keyword !== 'ARG');
    return first ? [{ inst: first, message: `${first.keyword} before the first FROM: a Dockerfile must begin with FROM or ARG` }] : [];
  },
);
