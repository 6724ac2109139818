import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-057',
    title: 'Label not in the label schema',
    severity: 'info',
    rationale: 'With build.strictLabels the schema is the complete list of allowed labels.',
    remediation: 'Remove the label or add it to build.labelSchema.',
    references: ['DL3050'],
    helpUri: HADOLINT('DL3050'),
    tags: ['labels', 'config'],
    stage: 'build',
  },
  (ctx) => {
    if (!ctx.settings.strictLabels) return [];
    const hits: Hit[] = [];
    for (const inst of ctx.all('LABEL')) for (const p of inst.properties) if (!(p.name in ctx.settings.labelSchema)) hits.push({ inst, message: `superfluous label '${p.name}' (not in the schema)`, key: p.name });
    return hits;
  },
);
