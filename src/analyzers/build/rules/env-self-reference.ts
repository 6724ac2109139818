import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { referencedVars } from '../../../dockerfile/vars.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-051',
    title: 'ENV refers to a variable defined in the same ENV',
    severity: 'medium',
    rationale: 'All values of one ENV are substituted with the environment from before it, so `ENV A=1 B=$A` leaves B empty.',
    remediation: 'Split into two ENV instructions.',
    references: ['DL3044'],
    helpUri: HADOLINT('DL3044'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const s of ctx.df.stages) {
      const known = new Set<string>();
      for (const inst of s.instructions) {
        if (inst.keyword === 'ARG') inst.properties.forEach((p) => known.add(p.name));
        if (inst.keyword !== 'ENV') continue;
        const here = new Set<string>();
        for (const p of inst.properties) {
          const bad = referencedVars(p.value ?? '').find((v) => here.has(v) && !known.has(v));
          if (bad) hits.push({ inst, message: `ENV ${p.name} refers to ${bad}, defined in the same ENV: it will be empty`, key: `${p.name}:${bad}` });
          here.add(p.name);
        }
        here.forEach((n) => known.add(n));
      }
    }
    return hits;
  },
);
