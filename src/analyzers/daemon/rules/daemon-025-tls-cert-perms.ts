import { filePermCheck, tlsFile, TLS_NOT_SET } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-025',
  title: 'TLS server certificate ownership/permissions',
  what: 'the tlscert file',
  cisOwner: '3.11',
  cisMode: '3.12',
  maxMode: 0o444,
  group: 'root',
  severity: 'medium',
  rationale: 'A replaced server certificate lets an attacker impersonate the daemon to clients.',
  paths: (ev) => tlsFile(ev, 'tlscert'),
  nothing: TLS_NOT_SET('tlscert'),
});
