import { filePermCheck } from './file-perms.js';

export default filePermCheck({
  id: 'BW-DAEMON-031',
  title: 'containerd socket ownership/permissions',
  what: 'the containerd socket',
  cisOwner: '3.23',
  cisMode: '3.24',
  maxMode: 0o660,
  group: 'root',
  severity: 'high',
  rationale: 'containerd\'s API can start privileged containers directly, bypassing dockerd; its socket must be root-only. Both the system containerd socket and dockerd\'s private one are checked.',
  // only sockets that exist; a missing candidate is not a finding when another one exists
  paths: (ev) => {
    const present = ev.sockets.containerd.filter((f) => f.exists || f.error);
    return present.length ? present : ev.sockets.containerd.slice(0, 1);
  },
});
