import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-001',
    title: 'Inter-container communication on the default bridge is open',
    severity: 'medium',
    stage: 'daemon',
    rationale:
      'With icc enabled (the default) every container on the default bridge can reach every port of every other container on it; a compromised container can attack its neighbours without any published port.',
    remediation: 'Set "icc": false in daemon.json (or --icc=false) and connect containers that must talk through user-defined networks.',
    references: cisRefs('2.2'),
    tags: ['network'],
    cis: { section: '2', ids: ['2.2'] },
  },
  (ev) => {
    const s = setting(ev, 'icc');
    const loc = settingLocation(ev, s, 'icc');
    // the effective state of the running default bridge (Docker Bench does not read it)
    const live = (ev.engine.bridge?.Options as Record<string, string> | undefined)?.['com.docker.network.bridge.enable_icc'];
    if (live !== undefined && String(live) !== String(s.value !== false)) {
      return [
        {
          status: live === 'false' ? 'pass' : 'fail',
          message: `the running default bridge has enable_icc=${live} (GET /networks/bridge) but the configuration says ${describe(s)}: restart pending`,
          key: 'icc',
          location: { kind: 'host', setting: 'icc', source: '/networks/bridge Options' },
        },
      ];
    }
    if (s.value === false) return [{ status: 'pass', message: `inter-container communication is disabled: ${describe(s)}`, key: 'icc', location: loc }];
    const bridge = setting(ev, 'bridge');
    const noBridge = bridge.value === 'none';
    return [
      {
        status: 'fail',
        message: `inter-container communication on the default bridge is allowed: ${describe(s)}${noBridge ? ' (the default bridge is disabled with --bridge=none, so this applies only if it is re-enabled)' : ''}`,
        key: 'icc',
        location: loc,
        ...(noBridge ? { severity: 'low' as const } : {}),
        evidence: { icc: s.value, source: s.source, bridge: bridge.value },
      },
    ];
  },
);
