import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT, copyArgs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-018',
    title: 'COPY with several sources needs a destination ending in /',
    severity: 'medium',
    rationale: 'With more than one source the destination must be a directory; without the trailing slash the build fails.',
    remediation: 'End the destination with `/`.',
    references: ['DL3021', 'DS011', 'AVD-DS-0011'],
    helpUri: HADOLINT('DL3021'),
    stage: 'build',
  },
  (ctx) =>
    [...ctx.all('COPY'), ...ctx.all('ADD')].flatMap((inst) => {
      if (inst.heredocs.length) return [];
      const { sources, dest } = copyArgs(inst);
      if (sources.length < 2 || !dest || dest.endsWith('/') || dest.includes('$')) return [];
      return [{ inst, message: `${inst.keyword} with ${sources.length} sources: '${dest}' must end with /`, key: dest }];
    }),
);
