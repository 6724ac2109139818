import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-002',
    title: 'Daemon log level is not "info"',
    severity: 'low',
    stage: 'daemon',
    rationale:
      'At "warn", "error" or "fatal" the daemon drops the events needed to reconstruct what happened; "debug" (or --debug) logs request bodies and floods the log. "info" is the level CIS asks for.',
    remediation: 'Remove --log-level/-l and --debug/-D from the dockerd command line and "log-level"/"debug" from daemon.json, or set "log-level": "info".',
    references: cisRefs('2.3'),
    cis: { section: '2', ids: ['2.3'] },
  },
  (ev) => {
    // Docker Bench never reads the flag (its daemon.json branch always wins); both are read here.
    const s = setting(ev, 'log-level');
    const debug = setting(ev, 'debug');
    if (debug.value === true) {
      return [{ status: 'fail', message: `debug logging is on: ${describe(debug)} (overrides log-level)`, key: 'debug', location: settingLocation(ev, debug, 'debug') }];
    }
    const v = String(s.value ?? 'info').toLowerCase();
    if (v === 'info') return [{ status: 'pass', message: `log level is info: ${describe(s)}`, key: 'log-level', location: settingLocation(ev, s, 'log-level') }];
    return [{ status: 'fail', message: `log level is '${v}', not info: ${describe(s)}`, key: 'log-level', location: settingLocation(ev, s, 'log-level'), evidence: { logLevel: v, source: s.source } }];
  },
);
