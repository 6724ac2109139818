import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-019',
    title: 'dockerd would refuse to start: invalid daemon.json, a flag repeated in daemon.json, or stray arguments',
    severity: 'high',
    stage: 'daemon',
    rationale:
      'dockerd refuses to start when daemon.json is not valid JSON or sets a directive also given as a flag ("the following directives are specified both as a flag and in the configuration file"). A running daemon in that state will not come back after a restart or reboot, and its effective settings are not what the file says.',
    remediation: 'Keep each setting in one place: remove the key from daemon.json or the flag from the unit/ExecStart (for "hosts" with systemd, override ExecStart in a drop-in without -H), and validate with `dockerd --validate --config-file FILE`.',
    references: [],
    cis: { section: '2', ids: [] },
  },
  (ev) => {
    const out: CheckResult[] = [];
    const loc = { kind: 'host' as const, path: ev.configFile.path, source: ev.configFile.source };
    if (ev.configFile.parseError) out.push({ status: 'fail', message: `${ev.configFile.path}: ${ev.configFile.parseError}`, key: 'parse', location: loc });
    for (const c of ev.settings.conflicts) {
      out.push({
        status: 'fail',
        message: `'${c.key}' is set both as a flag (${c.where}, from ${ev.daemonArgsSource}) and in ${ev.configFile.path} (${JSON.stringify(c.conflict?.file)}): dockerd refuses to start with this combination; the running value is the flag's`,
        key: `conflict|${c.key}`,
        location: { ...loc, setting: c.key },
        evidence: { flag: c.conflict?.flag, file: c.conflict?.file },
      });
    }
    if (ev.settings.positional.length) {
      out.push({
        status: 'fail',
        message: `dockerd does not take arguments: ${ev.settings.positional.map((a) => `'${a}'`).join(', ')} in ${ev.daemonArgsSource} (a boolean flag takes its value with '=', e.g. --userland-proxy=false); dockerd refuses to start with this command line`,
        key: 'positional',
        location: { kind: 'host', setting: 'command line', source: ev.daemonArgsSource },
      });
    }
    if (!out.length) out.push({ status: 'pass', message: ev.configFile.facts.exists ? `${ev.configFile.path} is valid and repeats no flag` : `no daemon.json at ${ev.configFile.path}; settings come from flags and defaults`, key: 'conflict', location: loc });
    return out;
  },
);
