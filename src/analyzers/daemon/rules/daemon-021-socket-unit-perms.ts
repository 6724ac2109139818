import { filePermCheck } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-021',
  title: 'docker.socket unit (and drop-ins) ownership/permissions',
  what: 'docker.socket and its drop-ins',
  cisOwner: '3.3',
  cisMode: '3.4',
  maxMode: 0o644,
  group: 'root',
  severity: 'medium',
  rationale: 'docker.socket sets where the API listens and with which socket owner and mode; whoever can write it can expose the API.',
  paths: (ev) => [...(ev.units.socket.fragment && !ev.units.socket.masked ? [ev.units.socket.fragment] : []), ...ev.units.socket.dropIns],
  nothing: (ev) => (ev.units.socket.masked ? 'docker.socket is masked' : 'no docker.socket unit found'),
});
