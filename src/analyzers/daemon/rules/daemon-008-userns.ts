import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, securityOptions, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-008',
    title: 'User-namespace remapping is off',
    severity: 'medium',
    stage: 'daemon',
    rationale:
      'Without userns-remap, root in a container is uid 0 on the host: any escape (kernel or runtime bug, a bad mount) lands as real root. With remapping it lands as an unprivileged subordinate uid.',
    remediation: 'Set "userns-remap": "default" (dockerd creates the dockremap user and /etc/subuid, /etc/subgid ranges) and re-pull or re-create images and volumes, which are stored per remapped root.',
    references: cisRefs('2.9'),
    cis: { section: '2', ids: ['2.9'] },
  },
  (ev) => {
    const s = setting(ev, 'userns-remap');
    const loc = settingLocation(ev, s, 'userns-remap');
    const live = ev.engine.info ? securityOptions(ev).some((o) => o.includes('name=userns')) : undefined;
    const configured = typeof s.value === 'string' && s.value !== '';
    if (ev.rootless) return [{ status: 'pass', message: `rootless daemon: containers run inside the user namespace of ${ev.daemonUser.name ?? `uid ${ev.daemonUser.uid}`} (userns-remap does not apply)`, key: 'userns-remap', location: loc }];
    if (live === true || (live === undefined && configured)) {
      return [{ status: 'pass', message: `user namespaces are remapped: ${configured ? describe(s) : 'SecurityOptions name=userns'}${live === undefined ? ' (configuration only; engine not queried)' : ''}`, key: 'userns-remap', location: loc }];
    }
    if (live === false && configured) {
      return [{ status: 'fail', message: `${describe(s)} is configured but the running daemon reports no userns in SecurityOptions: the configuration is not in effect (restart pending?)`, key: 'userns-remap', location: loc }];
    }
    return [{ status: 'fail', message: `user-namespace remapping is off: ${describe(s)}`, key: 'userns-remap', location: loc }];
  },
);
