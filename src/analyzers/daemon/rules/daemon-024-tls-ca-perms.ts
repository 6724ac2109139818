import { filePermCheck, tlsFile, TLS_NOT_SET } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-024',
  title: 'TLS CA certificate ownership/permissions',
  what: 'the tlscacert file',
  cisOwner: '3.9',
  cisMode: '3.10',
  maxMode: 0o444,
  group: 'root',
  severity: 'high',
  rationale: 'The CA decides which client certificates the daemon accepts; whoever can replace it can issue themselves root access to the API.',
  paths: (ev) => tlsFile(ev, 'tlscacert'),
  nothing: TLS_NOT_SET('tlscacert'),
});
