import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-050',
    title: 'ONBUILD with FROM, MAINTAINER or ONBUILD',
    severity: 'medium',
    rationale: 'Docker rejects ONBUILD FROM, ONBUILD MAINTAINER and chained ONBUILD ONBUILD.',
    remediation: 'Remove the trigger or use another instruction.',
    references: ['DL3043'],
    helpUri: HADOLINT('DL3043'),
    stage: 'build',
  },
  (ctx) =>
    ctx.all('ONBUILD').flatMap((inst) => {
      const trig = (inst.args.trim().split(/\s+/)[0] ?? '').toUpperCase();
      return trig === 'FROM' || trig === 'MAINTAINER' || trig === 'ONBUILD' ? [{ inst, message: `ONBUILD ${trig} is not allowed`, key: trig }] : [];
    }),
);
