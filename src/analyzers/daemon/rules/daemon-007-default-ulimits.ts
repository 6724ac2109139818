import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-007',
    title: 'No daemon-wide default ulimits',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Without default ulimits (nofile, nproc) each container inherits the daemon\'s limits, so one container can exhaust file descriptors or processes for the whole host.',
    remediation: 'Set "default-ulimits" in daemon.json, e.g. {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 4096}}; override per container with --ulimit where needed.',
    references: cisRefs('2.8'),
    cis: { section: '2', ids: ['2.8'] },
  },
  (ev) => {
    const s = setting(ev, 'default-ulimits');
    const set = s.value && typeof s.value === 'object' && Object.keys(s.value as object).length > 0;
    if (set) return [{ status: 'pass', message: `default ulimits are set: ${describe(s)}`, key: 'default-ulimits', location: settingLocation(ev, s, 'default-ulimits') }];
    return [{ status: 'info', message: 'no default ulimits: containers inherit the daemon\'s limits (CIS lists this as a manual check)', key: 'default-ulimits', location: settingLocation(ev, s, 'default-ulimits') }];
  },
);
