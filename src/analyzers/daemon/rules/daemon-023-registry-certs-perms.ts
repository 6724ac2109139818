import { filePermCheck } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-023',
  title: 'Registry certificate files ownership/permissions',
  what: 'files under /etc/docker/certs.d',
  cisOwner: '3.7',
  cisMode: '3.8',
  maxMode: 0o444,
  group: 'root',
  severity: 'medium',
  rationale: 'certs.d holds the CAs the daemon trusts for each registry and the client keys it presents; a writable CA lets a user make the daemon trust a fake registry, a readable key lets them impersonate this host.',
  paths: (ev) => ev.registryCerts,
  // private keys: 0400 (Docker Bench only looks at *.crt)
  maxModeFor: (f) => (f.path.endsWith('.key') ? 0o400 : 0o444),
  nothing: () => 'no registry certificates under /etc/docker/certs.d',
});
