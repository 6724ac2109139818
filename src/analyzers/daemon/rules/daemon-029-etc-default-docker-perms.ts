import { filePermCheck } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-029',
  title: '/etc/default/docker ownership/permissions',
  what: '/etc/default/docker',
  cisOwner: '3.19',
  cisMode: '3.20',
  maxMode: 0o644,
  group: 'root',
  severity: 'medium',
  rationale: '/etc/default/docker feeds DOCKER_OPTS into the dockerd command line on Debian-style systems.',
  paths: (ev) => [ev.envFiles.defaultDocker],
});
