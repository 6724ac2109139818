import { filePermCheck } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-030',
  title: '/etc/sysconfig/docker ownership/permissions',
  what: '/etc/sysconfig/docker',
  cisOwner: '3.22',
  cisMode: '3.21',
  maxMode: 0o644,
  group: 'root',
  severity: 'medium',
  rationale: '/etc/sysconfig/docker feeds options into the dockerd command line on Red Hat-style systems.',
  paths: (ev) => [ev.envFiles.sysconfigDocker],
});
