import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-015',
    title: 'The userland proxy is enabled',
    severity: 'low',
    stage: 'daemon',
    rationale: 'docker-proxy runs one process per published port and widens the attack surface; with hairpin NAT available the kernel forwards the traffic instead.',
    remediation: 'Set "userland-proxy": false in daemon.json (or --userland-proxy=false).',
    references: cisRefs('2.16'),
    cis: { section: '2', ids: ['2.16'] },
  },
  (ev) => {
    // Docker Bench recognises only --userland-proxy=false; the space form and daemon.json are read here too.
    const s = setting(ev, 'userland-proxy');
    const loc = settingLocation(ev, s, 'userland-proxy');
    if (s.value === false) return [{ status: 'pass', message: `userland proxy is off: ${describe(s)}`, key: 'userland-proxy', location: loc }];
    return [{ status: 'fail', message: `userland proxy is on: ${describe(s)}`, key: 'userland-proxy', location: loc }];
  },
);
