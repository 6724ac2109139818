import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { lineage, resultStages } from '../../../dockerfile/model.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-056',
    title: 'Required label missing',
    severity: 'info',
    rationale: 'The configured label schema (build.labelSchema in .bulwark.yaml) lists labels every image must carry (owner, source, version...).',
    remediation: 'Add the missing LABEL to the final stage.',
    references: ['DL3049'],
    helpUri: HADOLINT('DL3049'),
    tags: ['labels', 'config'],
    stage: 'build',
  },
  (ctx) => {
    const keys = Object.keys(ctx.settings.labelSchema);
    if (!keys.length) return [];
    const hits: Hit[] = [];
    // every image the file builds: the stages no other stage builds FROM or copies from (each a --target);
    // a fragment without FROM may inherit its labels from the unknown base
    for (const s of resultStages(ctx.df)) {
      if (s.implicit) continue;
      const have = new Set<string>();
      for (const idx of lineage(ctx.df, s)) for (const inst of ctx.df.stages[idx]!.instructions) if (inst.keyword === 'LABEL') for (const p of inst.properties) have.add(p.name);
      for (const k of keys) if (!have.has(k)) hits.push({ inst: s.from, message: `label '${k}' is missing${s.index === ctx.df.stages.length - 1 ? '' : ` in stage ${s.alias ?? s.index} (a build target of its own)`}`, key: `${s.index}:${k}` });
    }
    return hits;
  },
);
