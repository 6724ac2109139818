import { defineRule } from '../../../core/rule.js';
import type { CheckResult } from '../check.js';
import { cisRefs } from '../check.js';
import type { HostEvidence, MountEntry } from '../../../host/types.js';

function containing(mounts: MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint.replace(/\/+$/, '') || '/';
    if (path === mp || path.startsWith(mp === '/' ? '/' : mp + '/')) {
      // later entries over-mount earlier ones at the same point
      if (!best || mp.length >= (best.mountPoint.replace(/\/+$/, '') || '/').length) best = m;
    }
  }
  return best;
}

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-001',
    title: "Docker's data root is not on a separate filesystem",
    severity: 'low',
    stage: 'host',
    rationale: 'Images, containers and volumes can fill the filesystem that holds the data root; on the root filesystem that stops the host (logs, package manager, sshd).',
    remediation: 'Mount a dedicated filesystem (its own partition or logical volume) at the Docker data root, e.g. /var/lib/docker, in /etc/fstab.',
    references: cisRefs('1.1.1'),
    cis: { section: '1', ids: ['1.1.1'] },
  },
  (ev) => {
    const root = ev.dataRoot.path;
    const loc = { kind: 'host' as const, path: root, source: ev.mountsSource };
    if (!ev.mounts.length) return [{ status: 'not-evaluated', message: `no mount table available (${ev.mountsSource || 'none'})`, key: 'partition', location: loc }];
    const m = containing(ev.mounts, root);
    const rootMount = containing(ev.mounts, '/');
    if (!m) return [{ status: 'not-evaluated', message: `no mount in ${ev.mountsSource} contains ${root}`, key: 'partition', location: loc }];
    const mp = m.mountPoint.replace(/\/+$/, '') || '/';
    const evidence = { dataRoot: root, dataRootSource: ev.dataRoot.source, mount: m.mountPoint, device: m.device, fsType: m.fsType, majMin: m.majMin, bindRoot: m.root };
    if (mp === '/') return [{ status: 'fail', message: `${root} (${ev.dataRoot.source}) is on the root filesystem (${m.device})`, key: 'partition', location: loc, evidence }];
    // Docker Bench's `mountpoint -q` passes a bind mount of the root filesystem; compare the device instead
    const sameDev = rootMount && m !== rootMount && ((m.majMin && m.majMin === rootMount.majMin) || (!m.majMin && m.device === rootMount.device && m.device.startsWith('/')));
    if (sameDev) {
      return [{ status: 'fail', message: `${mp} is a mount of the root filesystem's device ${rootMount!.device}${m.root && m.root !== '/' ? ` (bind mount of ${m.root})` : ''}: not a separate filesystem`, key: 'partition', location: loc, evidence }];
    }
    if (mp !== root) return [{ status: 'warn', message: `${root} is on ${mp} (${m.device}, ${m.fsType}), separate from / but shared with everything else under ${mp}`, key: 'partition', location: loc, evidence }];
    return [{ status: 'pass', message: `${root} is its own filesystem (${m.device}, ${m.fsType})`, key: 'partition', location: loc, evidence }];
  },
);
