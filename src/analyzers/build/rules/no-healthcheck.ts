import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { finalStage, shippedStages } from '../../../dockerfile/model.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-005',
    title: 'No HEALTHCHECK in the final image',
    severity: 'low',
    rationale: 'Without a HEALTHCHECK the engine and orchestrators cannot tell a hung service from a healthy one, so it is never restarted or taken out of rotation.',
    remediation: 'Add `HEALTHCHECK CMD <probe>` to the final stage (or `HEALTHCHECK NONE` to state that none applies).',
    references: ['DL3057', 'DS026', 'AVD-DS-0026', 'CIS-4.6'],
    helpUri: HADOLINT('DL3057'),
    tags: ['runtime'],
    stage: 'build',
  },
  (ctx) => {
    const last = finalStage(ctx.df);
    if (!last || last.implicit) return [];
    const shipped = shippedStages(ctx.df);
    if (ctx.all('HEALTHCHECK').some((h) => shipped.has(h.stage))) return [];
    return [{ inst: last.from, message: 'the final image defines no HEALTHCHECK', key: 'missing' }];
  },
);
