import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-009',
    title: 'A daemon-wide cgroup parent is set',
    severity: 'low',
    stage: 'daemon',
    rationale: 'A custom default cgroup parent moves every container under a cgroup whose limits and delegation Docker does not control; review that it is deliberate and limited.',
    remediation: 'Remove --cgroup-parent / "cgroup-parent" unless the parent cgroup is managed and limited on purpose.',
    references: cisRefs('2.10'),
    cis: { section: '2', ids: ['2.10'] },
  },
  (ev) => {
    // Docker Bench's daemon.json branch can never match (grep -v ''); both sources are read here.
    const s = setting(ev, 'cgroup-parent');
    const loc = settingLocation(ev, s, 'cgroup-parent');
    if (typeof s.value === 'string' && s.value) return [{ status: 'warn', message: `containers default to cgroup parent '${s.value}': ${describe(s)}`, key: 'cgroup-parent', location: loc }];
    return [{ status: 'pass', message: 'the default cgroup parent is used', key: 'cgroup-parent', location: loc }];
  },
);
