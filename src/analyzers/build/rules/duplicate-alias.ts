import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-019',
    title: 'Stage name used twice',
    severity: 'medium',
    rationale: 'Two stages with one name make COPY --from and --target ambiguous; Docker refuses or picks one.',
    remediation: 'Give every stage a unique name.',
    references: ['DL3024', 'DS012', 'AVD-DS-0012'],
    helpUri: HADOLINT('DL3024'),
    stage: 'build',
  },
  (ctx) => {
    const seen = new Set<string>();
    const hits: Hit[] = [];
    for (const s of ctx.df.stages) {
      if (!s.alias) continue;
      if (seen.has(s.alias)) hits.push({ inst: s.from, message: `stage name '${s.alias}' is already used by an earlier FROM`, key: s.alias });
      seen.add(s.alias);
    }
    return hits;
  },
);
