import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-009',
    title: 'WORKDIR is not an absolute path',
    severity: 'medium',
    rationale: 'A relative WORKDIR depends on the previous working directory (possibly the base image\'s), so the path the image uses is not what the Dockerfile says.',
    remediation: 'Use an absolute path: `WORKDIR /app`.',
    references: ['DL3000', 'DS009', 'AVD-DS-0009'],
    helpUri: HADOLINT('DL3000'),
    stage: 'build',
  },
  (ctx) =>
    ctx.all('WORKDIR').flatMap((inst) => {
      const raw = inst.args.trim().replace(/^["']|["']$/g, '');
      const v = inst.expanded.trim().replace(/^["']|["']$/g, '');
      if (!v || raw.startsWith('$') || inst.unresolved) return [];
      if (v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v)) return [];
      return [{ inst, message: `WORKDIR ${v} is relative; use an absolute path`, key: v }];
    }),
);
