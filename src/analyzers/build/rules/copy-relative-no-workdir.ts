import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT, copyArgs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-052',
    title: 'COPY to a relative path without WORKDIR',
    severity: 'low',
    rationale: 'Without WORKDIR, a relative destination depends on the base image\'s working directory, which can change under you.',
    remediation: 'Set `WORKDIR /app` first, or copy to an absolute path.',
    references: ['DL3045'],
    helpUri: HADOLINT('DL3045'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    const hasWorkdir = new Map<number, boolean>();
    for (const s of ctx.df.stages) {
      let wd = s.parent !== undefined ? (hasWorkdir.get(s.parent) ?? false) : false;
      for (const inst of s.instructions) {
        if (inst.keyword === 'WORKDIR') wd = true;
        if (inst.keyword !== 'COPY' || wd) continue;
        const { dest } = copyArgs(inst);
        if (!dest) continue;
        const d = dest.replace(/^["']|["']$/g, '');
        if (d.startsWith('/') || d.startsWith('$') || /^[A-Za-z]:[\\/]/.test(d) || d.startsWith('~')) continue;
        hits.push({ inst, message: `COPY to relative destination '${d}' without a WORKDIR`, key: d });
      }
      hasWorkdir.set(s.index, wd);
    }
    return hits;
  },
);
