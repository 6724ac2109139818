import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { exposedPorts } from './ports.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-008',
    title: 'Exposed port outside 0-65535',
    severity: 'medium',
    rationale: 'A port above 65535 does not exist; the EXPOSE is a typo that documents the wrong interface.',
    remediation: 'Use a valid port number (0-65535).',
    references: ['DL3011', 'DS008', 'AVD-DS-0008'],
    helpUri: HADOLINT('DL3011'),
    stage: 'build',
  },
  (ctx) =>
    ctx.all('EXPOSE').flatMap((inst) =>
      exposedPorts(inst)
        .filter((p) => p.from > 65535 || p.to > 65535)
        .map((p) => ({ inst, message: `EXPOSE ${p.text}: valid UNIX ports range from 0 to 65535`, key: p.text })),
    ),
);
