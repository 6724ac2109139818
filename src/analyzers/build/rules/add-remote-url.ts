import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { GIT_RE, URL_RE, copyArgs, flag } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-015',
    title: 'ADD fetches a remote URL without a checksum',
    severity: 'medium',
    rationale: 'ADD <url> downloads at build time with no integrity check: whatever the server (or a man in the middle) returns goes into the image.',
    remediation: 'Use `ADD --checksum=sha256:<hash> <url>`, or download with curl and verify with sha256sum in the same RUN.',
    references: [],
    tags: ['supply-chain'],
    stage: 'build',
  },
  (ctx) =>
    ctx.all('ADD').flatMap((inst) => {
      if (flag(inst, 'checksum')) return [];
      const remote = copyArgs(inst).sources.filter((s) => URL_RE.test(s) || GIT_RE.test(s));
      return remote.map((u) => ({ inst, message: `ADD ${u} downloads without checksum verification`, key: u }));
    }),
);
