import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-017',
    title: 'Experimental features are enabled',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Experimental features are not covered by the engine\'s stability and security guarantees and are not meant for production daemons.',
    remediation: 'Remove --experimental / "experimental": true from production daemons.',
    references: cisRefs('2.18'),
    cis: { section: '2', ids: ['2.18'] },
  },
  (ev) => {
    // Docker Bench only evaluates this on engines <= 19.03; GET /version still reports it, so it is read here.
    const s = setting(ev, 'experimental');
    const version = ev.engine.version as { Experimental?: boolean; Components?: Array<{ Name: string; Details?: { Experimental?: string } }> } | undefined;
    const engineComp = version?.Components?.find((c) => c.Name === 'Engine');
    const live = version ? version.Experimental === true || engineComp?.Details?.Experimental === 'true' || ev.engine.info?.ExperimentalBuild === true : undefined;
    const on = live ?? s.value === true;
    const loc = live !== undefined && s.source === 'default' ? { kind: 'host' as const, setting: 'experimental', source: '/version Experimental' } : settingLocation(ev, s, 'experimental');
    if (on) return [{ status: 'fail', message: `experimental features are enabled (${live !== undefined ? 'GET /version' : describe(s)})`, key: 'experimental', location: loc }];
    return [{ status: 'pass', message: `experimental features are off${live !== undefined ? ' (GET /version)' : ` (${describe(s)})`}`, key: 'experimental', location: loc }];
  },
);
