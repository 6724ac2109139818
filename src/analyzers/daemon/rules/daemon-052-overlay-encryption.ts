import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-052',
    title: 'Overlay network without data-plane encryption',
    severity: 'medium',
    stage: 'daemon',
    rationale: 'Traffic on an overlay network crosses the hosts\' physical network in VXLAN, readable and forgeable by anyone on that network unless the network is created with encryption.',
    remediation: 'Re-create the network with `docker network create -d overlay --opt encrypted NAME`.',
    references: cisRefs('7.3'),
    cis: { section: '7', ids: ['7.3'] },
  },
  (ev) => {
    if (!ev.engine.networks) return [notEvaluated('overlay', 'network list needs the Engine API')];
    const overlays = ev.engine.networks.filter((n) => n.Driver === 'overlay' && n.Name !== 'ingress');
    if (!overlays.length) return [{ status: 'pass', message: 'no overlay networks (besides ingress)', key: 'overlay', location: { kind: 'host', setting: 'networks', source: 'GET /networks' } }];
    return overlays.map((n) => {
      const enc = Object.prototype.hasOwnProperty.call((n.Options as Record<string, string> | null) ?? {}, 'encrypted');
      return {
        status: enc ? ('pass' as const) : ('fail' as const),
        message: `overlay network '${n.Name}' is ${enc ? '' : 'not '}encrypted`,
        key: `overlay|${n.Name}`,
        location: { kind: 'host' as const, setting: `network ${n.Name}`, source: 'GET /networks' },
      };
    });
  },
);
