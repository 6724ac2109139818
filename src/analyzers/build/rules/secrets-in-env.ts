import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { shippedStages } from '../../../dockerfile/model.js';
import { AVD } from './util.js';
import { isPlaceholder, isSecretName, redact, secretShape } from './secret-shapes.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-067',
    title: 'Secret in ENV, ARG or LABEL',
    severity: 'critical',
    rationale: 'ENV and LABEL values are stored in the image config and ARG values in its history: anyone who can pull the image can read them.',
    remediation: 'Pass secrets at build time with `RUN --mount=type=secret,id=...` and at run time with the orchestrator\'s secret store; never bake them into ENV/ARG/LABEL.',
    references: ['DS031', 'AVD-DS-0031', 'CIS-4.10'],
    helpUri: AVD('DS031'),
    tags: ['secrets'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    const shipped = shippedStages(ctx.df);
    for (const inst of ctx.df.instructions) {
      if (inst.keyword !== 'ENV' && inst.keyword !== 'ARG' && inst.keyword !== 'LABEL') continue;
      // ARGs of stages not in the final image and global ARGs only used by FROM do not ship
      if (inst.stage >= 0 && !shipped.has(inst.stage) && inst.keyword !== 'ARG') continue;
      for (const p of inst.properties) {
        const value = p.value ?? '';
        const shape = value ? secretShape(value) : undefined;
        const byName = isSecretName(p.name);
        if (shape) {
          hits.push({ inst, message: `${inst.keyword} ${p.name} holds what looks like a ${shape} (${redact(value)})`, key: `${p.name}:shape`, evidence: { name: p.name, kind: shape } });
        } else if (byName && inst.keyword !== 'LABEL' && !isPlaceholder(value)) {
          hits.push({ inst, message: `${inst.keyword} ${p.name} sets a secret-named variable to a literal value (${redact(value)})`, key: `${p.name}:value`, evidence: { name: p.name } });
        } else if (byName && inst.keyword === 'ARG' && inst.stage >= 0 && shipped.has(inst.stage)) {
          hits.push({ inst, message: `ARG ${p.name}: a secret passed as a build argument is recorded in the image history`, key: `${p.name}:arg`, severity: 'high', evidence: { name: p.name } });
        } else if (byName && inst.keyword === 'ENV' && value.startsWith('$')) {
          hits.push({ inst, message: `ENV ${p.name}=${value}: a secret copied from a build argument into the image config`, key: `${p.name}:env`, severity: 'high', evidence: { name: p.name } });
        }
      }
    }
    return hits;
  },
);
