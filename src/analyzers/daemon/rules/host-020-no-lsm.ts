import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { securityOptions } from '../check.js';

/**
 * Docker applies docker-default (AppArmor) or an SELinux label only where the host has that LSM; without
 * either, every container runs with an empty AppArmorProfile and nothing but seccomp and capabilities
 * between it and the kernel. Docker Bench flags every container for 5.1/5.2 on such hosts; this names
 * them once, as a host finding.
 */
export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-020',
    title: 'Containers run without AppArmor or SELinux: the host has neither',
    severity: 'medium',
    stage: 'host',
    rationale:
      "Docker confines containers with a mandatory access control profile only when the host kernel runs AppArmor (docker-default) or SELinux (container_t). On a host with neither, the AppArmor profile of every container is empty: the writes to /proc and /sys, the mounts and the ptrace that docker-default refuses are then stopped only by seccomp and the capability set, and a container that also runs seccomp=unconfined or privileged has nothing left.",
    remediation: 'Boot the host with AppArmor (apparmor=1 security=apparmor) or SELinux enforcing, so that Docker applies docker-default / container_t; until then keep every container on a seccomp profile and a minimal capability set.',
    references: ['CIS-5.1', 'CIS-5.2'],
    cis: { section: '1', ids: [] },
  },
  (ev) => {
    if (!ev.engine.info) return [{ status: 'not-evaluated', message: 'the Engine API was not queried: which LSM Docker uses is unknown', key: 'lsm' }];
    const opts = securityOptions(ev);
    const loc = { kind: 'host' as const, setting: 'SecurityOptions', source: '/info SecurityOptions' };
    const lsm = opts.find((o) => o.startsWith('name=apparmor') || o.startsWith('name=selinux'));
    if (lsm) return [{ status: 'pass', message: `the engine confines containers with ${lsm.replace('name=', '')}`, key: 'lsm', location: loc }];
    const running = ev.engine.confinement ?? [];
    const bare = running.filter((c) => !c.appArmorProfile && !c.processLabel);
    if (!bare.length) return [{ status: 'pass', message: `the host has neither AppArmor nor SELinux (SecurityOptions: ${opts.join(', ') || 'none'}); no running container is affected`, key: 'lsm', location: loc }];
    const unconfined = bare.filter((c) => c.privileged || c.securityOpt.some((o) => /^seccomp[=:]unconfined$/.test(o)));
    const names = bare.map((c) => c.name).sort();
    return [
      {
        status: 'fail',
        message: `the host has neither AppArmor nor SELinux (SecurityOptions: ${opts.join(', ') || 'none'}): ${names.length} running container(s) are left with only seccomp and capabilities: ${names.join(', ')}${unconfined.length ? `; ${unconfined.map((c) => c.name).sort().join(', ')} ${unconfined.length === 1 ? 'has' : 'have'} no seccomp filter either` : ''}`,
        key: 'lsm',
        location: loc,
        ...(unconfined.length ? { severity: 'high' as const } : {}),
        evidence: { containers: names, withoutSeccomp: unconfined.map((c) => c.name).sort(), securityOptions: opts },
      },
    ];
  },
);
