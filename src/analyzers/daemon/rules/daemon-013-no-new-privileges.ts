import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-013',
    title: 'Containers may gain new privileges by default (no-new-privileges off)',
    severity: 'medium',
    stage: 'daemon',
    rationale: 'Without no_new_privs a process in a container can gain privileges through setuid/setgid binaries or file capabilities; the daemon default applies it to every container.',
    remediation: 'Set "no-new-privileges": true in daemon.json (or --no-new-privileges).',
    references: cisRefs('2.14'),
    cis: { section: '2', ids: ['2.14'] },
  },
  (ev) => {
    const s = setting(ev, 'no-new-privileges');
    const loc = settingLocation(ev, s, 'no-new-privileges');
    if (s.value === true) return [{ status: 'pass', message: `no-new-privileges is the default for containers: ${describe(s)}`, key: 'no-new-privileges', location: loc }];
    return [{ status: 'fail', message: `containers may gain new privileges: ${describe(s)}`, key: 'no-new-privileges', location: loc }];
  },
);
