import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated, swarm, swarmActive } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-050',
    title: 'Swarm manager count is even or excessive',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Raft needs a majority of managers: an even count adds no fault tolerance, more than 7 slows consensus, and every manager holds the cluster secrets and CA key.',
    remediation: 'Run an odd number of managers (1, 3, 5 or 7); demote extras with `docker node demote`.',
    references: cisRefs('7.1'),
    cis: { section: '7', ids: ['7.1'] },
  },
  (ev) => {
    const s = swarm(ev);
    if (!s) return [notEvaluated('swarm', 'swarm state needs the Engine API')];
    const loc = { kind: 'host' as const, setting: 'Swarm.Managers', source: '/info Swarm' };
    if (!swarmActive(s)) return [{ status: 'pass', message: 'swarm mode is not active', key: 'swarm', location: loc }];
    const m = s.Managers ?? 0;
    // Docker Bench counts leaders (always 1); the manager count is what matters
    if (m > 7 || (m > 1 && m % 2 === 0)) return [{ status: 'warn', message: `${m} swarm managers: ${m % 2 === 0 ? 'an even count tolerates no more failures than one fewer' : 'more than 7 slows Raft consensus'}`, key: 'swarm', location: loc, evidence: { managers: m } }];
    return [{ status: 'pass', message: `${m} swarm manager(s)`, key: 'swarm', location: loc }];
  },
);
