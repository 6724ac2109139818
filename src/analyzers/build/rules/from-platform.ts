import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-062',
    title: 'FROM with a fixed --platform',
    severity: 'info',
    rationale: 'A hard-coded platform breaks multi-platform builds and silently emulates on other hosts; use the build\'s platform variables instead.',
    remediation: 'Drop --platform or use `--platform=$BUILDPLATFORM` / `$TARGETPLATFORM`.',
    references: ['DL3029'],
    helpUri: HADOLINT('DL3029'),
    stage: 'build',
  },
  (ctx) =>
    ctx.df.stages
      .filter((s) => s.platform !== undefined && !s.platform.includes('$'))
      .map((s) => ({ inst: s.from, message: `FROM --platform=${s.platform}: avoid a fixed platform`, key: s.platform })),
);
