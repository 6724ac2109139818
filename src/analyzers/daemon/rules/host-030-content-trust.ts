import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-030',
    title: 'Docker Content Trust is not enabled',
    severity: 'low',
    stage: 'host',
    rationale:
      'With DOCKER_CONTENT_TRUST=1 the docker client pulls, runs and builds only from signed tags; without it any image a registry (or an attacker in between) serves is used. The variable is per shell: this reads the environment of the audit itself, so it speaks for sessions and CI jobs that share it, not for every user; the daemon has no such setting.',
    remediation: 'export DOCKER_CONTENT_TRUST=1 in the shell profiles and CI jobs that run docker (and sign the images you push).',
    references: cisRefs('4.5'),
    cis: { section: '4', ids: ['4.5'] },
  },
  (ev) => {
    if (!ev.clientEnv) return [notEvaluated('DOCKER_CONTENT_TRUST', 'offline audit: the environment of the audited host\'s shells is unknown')];
    const v = ev.clientEnv.DOCKER_CONTENT_TRUST;
    const loc = { kind: 'host' as const, setting: 'DOCKER_CONTENT_TRUST', source: 'environment of this audit' };
    if (v !== undefined && /^(1|true)$/i.test(v.trim())) return [{ status: 'pass', message: `DOCKER_CONTENT_TRUST=${v} in this environment`, key: 'DOCKER_CONTENT_TRUST', location: loc, evidence: { value: v } }];
    return [
      {
        status: 'warn',
        message: v === undefined ? 'DOCKER_CONTENT_TRUST is not set in this environment: the docker client does not verify image signatures' : `DOCKER_CONTENT_TRUST=${JSON.stringify(v)} in this environment: content trust is off`,
        key: 'DOCKER_CONTENT_TRUST',
        location: loc,
        evidence: { value: v ?? null },
      },
    ];
  },
);
