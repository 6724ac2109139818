import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-014',
    title: 'Live restore is disabled',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Without live-restore every container stops when dockerd stops or is upgraded, which discourages timely daemon security updates.',
    remediation: 'Set "live-restore": true in daemon.json (not compatible with swarm mode).',
    references: cisRefs('2.15'),
    cis: { section: '2', ids: ['2.15'] },
  },
  (ev) => {
    const s = setting(ev, 'live-restore');
    const loc = settingLocation(ev, s, 'live-restore');
    const live = ev.engine.info?.LiveRestoreEnabled as boolean | undefined;
    const swarm = (ev.engine.info?.Swarm as { LocalNodeState?: string } | undefined)?.LocalNodeState === 'active';
    if (swarm) return [{ status: 'info', message: 'swarm mode is active: live-restore is incompatible with it', key: 'live-restore', location: loc }];
    const on = live ?? s.value === true;
    if (live !== undefined && live !== (s.value === true)) {
      return [{ status: live ? 'pass' : 'fail', message: `running daemon reports LiveRestoreEnabled=${live} but the configuration says ${describe(s)}`, key: 'live-restore', location: { kind: 'host', setting: 'live-restore', source: '/info LiveRestoreEnabled' } }];
    }
    if (on) return [{ status: 'pass', message: `live restore is enabled: ${describe(s)}`, key: 'live-restore', location: loc }];
    return [{ status: 'fail', message: `live restore is disabled: ${describe(s)}`, key: 'live-restore', location: loc }];
  },
);
