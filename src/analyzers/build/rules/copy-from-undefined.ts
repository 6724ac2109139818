import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT, flag } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-017',
    title: 'COPY --from refers to an undefined stage',
    severity: 'medium',
    rationale: 'A --from name that is no earlier stage is looked up as an image on a registry: a typo becomes a pull of whatever image has that name.',
    remediation: 'Define the stage (`FROM ... AS name`) before copying from it, or use a full image reference with a tag.',
    references: ['DL3022', 'DS018', 'AVD-DS-0018'],
    helpUri: HADOLINT('DL3022'),
    stage: 'build',
  },
  (ctx) =>
    ctx.all('COPY').flatMap((inst) => {
      const from = flag(inst, 'from');
      if (!from || from.includes('$')) return [];
      if (/^\d+$/.test(from)) return Number(from) < inst.stage ? [] : [{ inst, message: `COPY --from=${from}: there is no earlier stage #${from}`, key: from }];
      if (/[:/@]/.test(from)) return []; // an image reference
      const earlier = ctx.df.stages.slice(0, Math.max(inst.stage, 0)).some((s) => s.alias === from.toLowerCase());
      const self = ctx.df.stages[inst.stage]?.alias === from.toLowerCase();
      return earlier || self ? [] : [{ inst, message: `COPY --from=${from}: no earlier FROM ... AS ${from}`, key: from }];
    }),
);
