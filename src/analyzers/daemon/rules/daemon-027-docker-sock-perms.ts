import { filePermCheck } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-027',
  title: 'Docker socket ownership/permissions',
  what: 'the Docker socket',
  cisOwner: '3.15',
  cisMode: '3.16',
  maxMode: 0o660,
  group: 'docker',
  severity: 'high',
  rationale: 'Access to the Docker socket is root on the host. It must be owned by root with group docker (whose members are root-equivalent) and no access for others.',
  paths: (ev) => [ev.sockets.docker],
});
