import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { finalStage } from '../../../dockerfile/model.js';
import { HADOLINT } from './util.js';
import { finalLabels } from './labels.js';

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
    const last = finalStage(ctx.df);
    if (!last) return [];
    const labels = finalLabels(ctx);
    return Object.keys(ctx.settings.labelSchema)
      .filter((k) => !labels.has(k))
      .map((k) => ({ inst: last.from, message: `label '${k}' is missing`, key: k }));
  },
);
