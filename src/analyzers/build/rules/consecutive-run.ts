import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-048',
    title: 'Multiple consecutive RUN instructions',
    severity: 'info',
    rationale: 'Each RUN is a layer; short consecutive RUNs could be one, which keeps the image smaller and removals effective.',
    remediation: 'Join consecutive short RUNs with `&&`.',
    references: ['DL3059'],
    helpUri: HADOLINT('DL3059'),
    stage: 'build',
  },
  (ctx) => {
    // hadolint semantics: RUNs with identical flags, each a single command, directly one after another (chained
    // commands mean the author split the RUNs on purpose)
    const hits: Hit[] = [];
    let prev: { flags: string; count: number } | undefined;
    for (const inst of ctx.df.instructions) {
      if (inst.keyword !== 'RUN') {
        prev = undefined;
        continue;
      }
      const flags = JSON.stringify(inst.flags);
      const count = ctx.commands(inst).filter((c) => c.depth === 0).length;
      if (prev && prev.flags === flags && count <= 1 && prev.count <= 1) hits.push({ inst, message: 'RUN directly after another short RUN: consider joining them' });
      prev = { flags, count };
    }
    return hits;
  },
);
