import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, securityOptions, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-016',
    title: 'No seccomp profile is applied to containers by default',
    severity: 'high',
    stage: 'daemon',
    rationale: 'The default seccomp profile blocks about 50 dangerous syscalls (keyctl, unshare, mount, bpf, ...) used by most kernel container escapes; a daemon-wide "unconfined" removes it from every container.',
    remediation: 'Remove "seccomp-profile": "unconfined" (or point it at a reviewed profile); make sure the engine is built with seccomp support.',
    references: cisRefs('2.17'),
    cis: { section: '2', ids: ['2.17'] },
  },
  (ev) => {
    const s = setting(ev, 'seccomp-profile');
    const loc = settingLocation(ev, s, 'seccomp-profile');
    const configured = typeof s.value === 'string' ? s.value : '';
    if (configured === 'unconfined') return [{ status: 'fail', message: `containers run without seccomp by default: ${describe(s)}`, key: 'seccomp', location: loc }];
    if (ev.engine.info) {
      const opt = securityOptions(ev).find((o) => o.startsWith('name=seccomp'));
      if (!opt) return [{ status: 'fail', message: 'the engine reports no seccomp support (SecurityOptions has no name=seccomp): containers run without a syscall filter', key: 'seccomp', location: { kind: 'host', setting: 'seccomp', source: '/info SecurityOptions' } }];
      const profile = /profile=([^,]+)/.exec(opt)?.[1] ?? 'default';
      if (profile === 'unconfined') return [{ status: 'fail', message: `engine reports ${opt}`, key: 'seccomp', location: { kind: 'host', setting: 'seccomp', source: '/info SecurityOptions' } }];
      return [{ status: 'pass', message: `seccomp profile '${profile}' is applied by default (${opt})${configured ? `; ${describe(s)}` : ''}`, key: 'seccomp', location: loc }];
    }
    if (configured) return [{ status: 'pass', message: `custom daemon seccomp profile: ${describe(s)}`, key: 'seccomp', location: loc }];
    return [{ status: 'info', message: 'no seccomp-profile configured: the built-in default profile applies if the engine has seccomp support (not verifiable offline)', key: 'seccomp', location: loc }];
  },
);
