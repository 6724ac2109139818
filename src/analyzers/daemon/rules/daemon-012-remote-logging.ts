import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

/** Drivers that ship logs off the host. */
const REMOTE = new Set(['syslog', 'fluentd', 'gelf', 'awslogs', 'splunk', 'gcplogs', 'logentries', 'etwlogs']);

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-012',
    title: 'Container logs stay on the host (no central/remote logging)',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Logs kept only on the host (json-file, local) are lost with the host and can be altered by whoever compromises it; a remote driver keeps an independent record.',
    remediation: 'Set "log-driver" to a remote driver (syslog with a remote syslog-address, fluentd, gelf, awslogs, splunk, gcplogs) in daemon.json, or forward json-file/journald logs with an agent.',
    references: cisRefs('2.13'),
    cis: { section: '2', ids: ['2.13'] },
  },
  (ev) => {
    const s = setting(ev, 'log-driver');
    const live = ev.engine.info?.LoggingDriver as string | undefined;
    const driver = live ?? String(s.value ?? 'json-file');
    const loc = live && s.source === 'default' ? { kind: 'host' as const, setting: 'log-driver', source: '/info LoggingDriver' } : settingLocation(ev, s, 'log-driver');
    const stale = live && s.source !== 'default' && String(s.value) !== live ? ` (configuration says ${describe(s)} but the running daemon uses ${live}: restart pending)` : '';
    if (REMOTE.has(driver)) return [{ status: 'pass', message: `log driver '${driver}' sends logs off the host${stale}`, key: 'log-driver', location: loc }];
    if (driver === 'journald')
      return [{ status: 'info', message: `log driver 'journald' keeps logs in the host journal; they are remote only if the journal is forwarded${stale}`, key: 'log-driver', location: loc }];
    if (driver === 'none') return [{ status: 'fail', message: `log driver 'none': container output is discarded${stale}`, key: 'log-driver', location: loc }];
    return [{ status: 'warn', message: `log driver '${driver}' keeps logs only on this host${stale}`, key: 'log-driver', location: loc, evidence: { driver } }];
  },
);
