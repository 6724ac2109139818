import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-018',
    title: 'The daemon runs as root (not rootless)',
    severity: 'info',
    stage: 'daemon',
    rationale: 'A rootless daemon (and its containers) runs as an unprivileged user, so a daemon or container compromise does not give host root.',
    remediation: 'Where the workload allows it, run Docker in rootless mode (dockerd-rootless-setuptool.sh install) or enable userns-remap.',
    references: cisRefs('2.1'),
    helpUri: 'https://docs.docker.com/engine/security/rootless/',
    cis: { section: '2', ids: ['2.1'] },
  },
  (ev) => {
    const loc = { kind: 'host' as const, setting: 'rootless', source: ev.engine.info ? '/info SecurityOptions' : ev.daemon ? `/proc/${ev.daemon.pid}/status` : 'configuration' };
    if (ev.rootless) return [{ status: 'pass', message: `the daemon runs rootless${ev.daemon?.uid !== undefined ? ` (uid ${ev.daemon.uid})` : ''}`, key: 'rootless', location: loc }];
    return [{ status: 'info', message: `the daemon runs as root${ev.daemon ? ` (PID ${ev.daemon.pid}, uid ${ev.daemon.uid ?? '?'})` : ''}; rootless mode is an option where the workload allows it`, key: 'rootless', location: loc }];
  },
);
