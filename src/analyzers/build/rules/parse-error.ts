import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';

/** Findings of this rule are produced by the analyzer itself (unreadable or malformed input). */
export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-000',
    title: 'Dockerfile could not be parsed',
    severity: 'medium',
    rationale: 'A file that is binary, not valid UTF-8, too large, has an unknown instruction or an unterminated heredoc will not build as intended, and the parts that could not be read were not analysed.',
    remediation: 'Fix the reported line (spelling of the instruction, the heredoc terminator, the encoding), or exclude the file from the scan.',
    references: [],
    tags: ['parse'],
    stage: 'build',
  },
  () => [],
);
