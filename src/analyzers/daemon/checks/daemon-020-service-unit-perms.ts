import { filePermCheck } from './file-perms.js';

export const serviceUnitPermsCheck = filePermCheck({
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
