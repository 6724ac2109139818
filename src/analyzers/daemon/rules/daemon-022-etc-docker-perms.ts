import { filePermCheck } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-022',
  title: '/etc/docker directory ownership/permissions',
  what: '/etc/docker',
  cisOwner: '3.5',
  cisMode: '3.6',
  maxMode: 0o755,
  group: 'root',
  severity: 'medium',
  rationale: '/etc/docker holds daemon.json, TLS keys and registry certificates; a writable directory lets a user replace any of them.',
  paths: (ev) => Object.values(ev.files).filter((f) => f.path === '/etc/docker' || f.path.endsWith('/.config/docker')),
});
