import { defineRule } from '../rule.js';
import { HADOLINT } from './util.js';

export default defineRule(
  {
    id: 'BW-BUILD-050',
    title: 'ONBUILD with FROM, MAINTAINER or ONBUILD',
    severity: 'medium',
    rationale: 'Docker rejects ONBUILD FROM, ONBUILD MAINTAINER and chained ONBUILD ONBUILD.',
    remediation: 'Remove the trigger or use another instruction.',
    references: ['DL3043'],
    helpUri: HADOLINT('DL3043'),
  },
  (ctx) =>
    ctx.all('ONBUILD').flatMap((inst) => {
      const trig = (inst.args.trim().split(/\s+/)[0] ?? '').toUpperCase();
      return trig === 'FROM' || trig === 'MAINTAINER' || trig === 'ONBUILD' ? [{ inst, message: `ONBUILD ${trig} is not allowed`, key: trig }] : [];
    }),
);
