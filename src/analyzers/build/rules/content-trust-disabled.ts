import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { runs } from './util.js';

const OFF = /^(0|false|no|off)?$/i;

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-073',
    title: 'Docker Content Trust disabled',
    severity: 'high',
    rationale: 'DOCKER_CONTENT_TRUST=0 turns off signature verification for pulls and pushes made with that environment (CIS 4.5).',
    remediation: 'Do not set DOCKER_CONTENT_TRUST=0; sign and verify images (Notary/cosign).',
    references: ['CIS-4.5'],
    tags: ['supply-chain'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of ctx.df.instructions) {
      if (inst.keyword === 'ENV' || inst.keyword === 'ARG') {
        for (const p of inst.properties) if (p.name === 'DOCKER_CONTENT_TRUST' && p.value !== null && OFF.test(p.value.trim())) hits.push({ inst, message: `${inst.keyword} DOCKER_CONTENT_TRUST=${p.value} disables image signature verification`, key: p.name });
      }
    }
    for (const inst of runs(ctx)) {
      if (ctx.commands(inst).some((c) => c.argv.some((a) => /^DOCKER_CONTENT_TRUST=(0|false|no|off)?$/i.test(a)))) hits.push({ inst, message: 'RUN sets DOCKER_CONTENT_TRUST=0', key: 'run' });
    }
    return hits;
  },
);
