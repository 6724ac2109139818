import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated, swarm, swarmActive } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-056',
    title: 'Swarm mode is enabled',
    severity: 'low',
    stage: 'daemon',
    rationale:
      'A swarm node opens the cluster ports (2377 on managers, 7946, 4789) and holds cluster keys and secrets; on a host that does not need orchestration that is attack surface for nothing.',
    remediation: 'If the host needs no swarm: `docker swarm leave` (managers: `docker swarm leave --force` after moving the role elsewhere).',
    references: cisRefs('5.1'),
    cis: { section: '5', ids: ['5.1'] },
  },
  (ev) => {
    const s = swarm(ev);
    if (!s) return [notEvaluated('swarm', `swarm state needs the Engine API (${ev.engine.error ?? 'not queried'})`)];
    const loc = { kind: 'host' as const, setting: 'Swarm.LocalNodeState', source: '/info' };
    const state = s.LocalNodeState ?? 'inactive';
    if (!swarmActive(s)) return [{ status: 'pass', message: `swarm mode is not enabled (${state})`, key: 'swarm', location: loc, evidence: { localNodeState: state } }];
    const role = s.ControlAvailable ? 'manager' : 'worker';
    return [{ status: 'warn', message: `swarm mode is enabled: this node is a ${role}; leave the swarm if the host does not need it`, key: 'swarm', location: loc, evidence: { localNodeState: state, role } }];
  },
);
