import { filePermCheck, tlsFile, TLS_NOT_SET } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-026',
  title: 'TLS server key ownership/permissions',
  what: 'the tlskey file',
  cisOwner: '3.13',
  cisMode: '3.14',
  maxMode: 0o400,
  group: 'root',
  severity: 'high',
  rationale: 'Whoever reads the server key can impersonate the daemon; it must be readable by root only.',
  paths: (ev) => tlsFile(ev, 'tlskey'),
  nothing: TLS_NOT_SET('tlskey'),
});
