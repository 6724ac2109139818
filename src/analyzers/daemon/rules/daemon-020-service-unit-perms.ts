import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { filePermCheck } from './file-perms.js';

const base = filePermCheck({
  id: 'BW-DAEMON-020',
  title: 'docker.service unit (and drop-ins) ownership/permissions',
  what: 'docker.service and its drop-ins',
  cisOwner: '3.1',
  cisMode: '3.2',
  maxMode: 0o644,
  group: 'root',
  severity: 'medium',
  rationale: 'The unit file and its drop-ins decide the dockerd command line (and so every daemon setting); whoever can write them controls a root daemon.',
  paths: (ev) => [...(ev.units.service.fragment && !ev.units.service.masked ? [ev.units.service.fragment] : []), ...ev.units.service.dropIns],
  nothing: (ev) => (ev.units.service.masked ? 'docker.service is masked' : 'no docker.service unit found in the systemd unit directories'),
});

/** When the audited dockerd does not run under docker.service, say so: its flags then come from elsewhere. */
export default defineRule<HostEvidence, CheckResult>(base.meta, (ev) => {
  const results = base.check(ev);
  const d = ev.daemon;
  if (!d || ev.rootless || d.systemdUnit === 'docker.service') return results;
  const note = ` (note: the audited dockerd, PID ${d.pid}, ${d.systemdUnit ? `runs under ${d.systemdUnit}` : 'is not started by docker.service'}; this unit is checked as a host file)`;
  return results.map((r) => ({ ...r, message: r.message + note }));
});
