import type { HostCheck } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export const iptablesCheck: HostCheck = {
  cis: ['2.4'],
  section: '2',
  scope: 'daemon',
  meta: {
    id: 'BW-DAEMON-003',
    title: 'Docker is not allowed to manage iptables',
    severity: 'medium',
    stage: 'daemon',
    rationale:
      'With iptables management off, published ports, icc=false and network isolation are not enforced by Docker, and hand-written rules drift from the containers actually running.',
    remediation: 'Remove --iptables=false / "iptables": false so that dockerd manages its firewall rules.',
    references: cisRefs('2.4'),
    tags: ['network'],
  },
  run(ev) {
    const s = setting(ev, 'iptables');
    const loc = settingLocation(ev, s, 'iptables');
    if (s.value === false) return [{ status: 'fail', message: `dockerd does not manage iptables: ${describe(s)}`, key: 'iptables', location: loc }];
    return [{ status: 'pass', message: `dockerd manages iptables: ${describe(s)}`, key: 'iptables', location: loc }];
  },
};
