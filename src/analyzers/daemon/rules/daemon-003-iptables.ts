import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-003',
    title: 'Docker is not allowed to manage iptables',
    severity: 'medium',
    stage: 'daemon',
    rationale:
      'With iptables management off, published ports, icc=false and network isolation are not enforced by Docker, and hand-written rules drift from the containers actually running.',
    remediation: 'Remove --iptables=false / "iptables": false so that dockerd manages its firewall rules.',
    references: cisRefs('2.4'),
    tags: ['network'],
    cis: { section: '2', ids: ['2.4'] },
  },
  (ev) => {
    const s = setting(ev, 'iptables');
    const loc = settingLocation(ev, s, 'iptables');
    if (s.value === false) return [{ status: 'fail', message: `dockerd does not manage iptables: ${describe(s)}`, key: 'iptables', location: loc }];
    return [{ status: 'pass', message: `dockerd manages iptables: ${describe(s)}`, key: 'iptables', location: loc }];
  },
);
