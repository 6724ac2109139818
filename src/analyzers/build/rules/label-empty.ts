import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-058',
    title: 'Schema label is empty',
    severity: 'info',
    rationale: 'A label the schema requires carries no value.',
    remediation: 'Give the label a value.',
    references: ['DL3051'],
    helpUri: HADOLINT('DL3051'),
    tags: ['labels', 'config'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of ctx.all('LABEL')) for (const p of inst.properties) if (p.name in ctx.settings.labelSchema && !(p.value ?? '').trim()) hits.push({ inst, message: `label '${p.name}' is empty`, key: p.name });
    return hits;
  },
);
