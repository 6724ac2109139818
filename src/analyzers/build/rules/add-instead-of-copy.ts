import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { ARCHIVE, GIT_RE, HADOLINT, HISTORY_SOURCE, URL_RE, copyArgs, flag } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-014',
    title: 'ADD used for local files (use COPY)',
    severity: 'low',
    rationale: 'ADD also fetches URLs and unpacks archives; for plain files that magic is a surprise waiting to happen. COPY does exactly one thing.',
    remediation: 'Replace ADD with COPY for local files and directories.',
    references: ['DL3020', 'DS005', 'AVD-DS-0005', 'CIS-4.9'],
    helpUri: HADOLINT('DL3020'),
    autoFixable: true,
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of ctx.all('ADD')) {
      const { sources } = copyArgs(inst);
      if (sources.length === 0 && !inst.heredocs.length) continue;
      // (a history-form source, file:<digest>, is already the content of a local ADD or COPY: nothing to change)
      if (sources.some((s) => URL_RE.test(s) || GIT_RE.test(s) || ARCHIVE.test(s) || s.includes('$') || HISTORY_SOURCE.test(s))) continue;
      const canFix = flag(inst, 'checksum') === undefined && flag(inst, 'keep-git-dir') === undefined && flag(inst, 'unpack') === undefined;
      const kwAt = inst.source.search(/\S/);
      hits.push({
        inst,
        message: `ADD ${sources.join(' ')}: use COPY for local files`,
        ...(canFix ? { edits: [{ start: kwAt, end: kwAt + 3, text: inst.source.slice(kwAt, kwAt + 3) === 'add' ? 'copy' : 'COPY' }] } : {}),
      });
    }
    return hits;
  },
);
