import { filePermCheck } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-028',
  title: 'daemon.json ownership/permissions',
  what: 'daemon.json',
  cisOwner: '3.17',
  cisMode: '3.18',
  maxMode: 0o644,
  group: 'root',
  severity: 'medium',
  rationale: 'daemon.json sets every daemon option (hosts, TLS, insecure registries, userns); whoever can write it controls the root daemon at its next start.',
  // the file dockerd really reads (--config-file), not a fixed path
  paths: (ev) => [ev.configFile.facts],
});
