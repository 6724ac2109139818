import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-023',
    title: 'MAINTAINER is deprecated',
    severity: 'info',
    rationale: 'MAINTAINER was deprecated in Docker 1.13; the OCI label carries the same information and tools read it.',
    remediation: 'Use `LABEL maintainer="name <email>"` (or org.opencontainers.image.authors).',
    references: ['DL4000', 'DS022', 'AVD-DS-0022'],
    helpUri: HADOLINT('DL4000'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) =>
    ctx.all('MAINTAINER').map((inst) => {
      const who = inst.args.replace(/\s+/g, ' ').trim().replace(/^"(.*)"$/, '$1');
      const indent = /^\s*/.exec(inst.source)![0];
      return { inst, message: 'MAINTAINER is deprecated: use LABEL maintainer=...', edits: [{ start: 0, end: inst.source.length, text: `${indent}LABEL maintainer=${JSON.stringify(who)}` }] };
    }),
);
