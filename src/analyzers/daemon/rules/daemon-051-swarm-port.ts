import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated, swarm, swarmActive } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-051',
    title: 'Swarm management port listens on all interfaces',
    severity: 'medium',
    stage: 'daemon',
    rationale: 'The swarm management API (2377/tcp) bound to every interface is reachable from networks that have no business joining or managing the cluster.',
    remediation: 'Initialise or join with --listen-addr and --advertise-addr on the management interface only.',
    references: cisRefs('7.2'),
    cis: { section: '7', ids: ['7.2'] },
  },
  (ev) => {
    const s = swarm(ev);
    if (!s) return [notEvaluated('swarm-port', 'swarm state needs the Engine API')];
    const loc = { kind: 'host' as const, setting: 'swarm listen address', source: ev.daemon ? `TCP listeners of PID ${ev.daemon.pid}` : '/info Swarm' };
    if (!swarmActive(s) || !s.ControlAvailable) return [{ status: 'pass', message: swarmActive(s) ? 'this node is a swarm worker (no management port)' : 'swarm mode is not active', key: 'swarm-port', location: loc }];
    if (!ev.daemon) return [notEvaluated('swarm-port', 'the dockerd process was not identified, so its listeners are unknown')];
    const mgmt = ev.daemon.tcpListeners.filter((l) => /:2377$/.test(l));
    const wild = mgmt.filter((l) => l.startsWith('0.0.0.0:') || l.startsWith('[::]:'));
    if (wild.length) return [{ status: 'fail', message: `swarm management port listens on ${wild.join(', ')}`, key: 'swarm-port', location: loc }];
    return [{ status: 'pass', message: mgmt.length ? `swarm management port bound to ${mgmt.join(', ')}` : 'no listener on 2377 (custom --listen-addr port)', key: 'swarm-port', location: loc }];
  },
);
