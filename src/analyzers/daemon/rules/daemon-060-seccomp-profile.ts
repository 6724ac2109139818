import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { setting, settingLocation } from '../check.js';
import { parseSeccompProfile, ProfileError } from '../../../profiles/seccomp/profile.js';
import { analyzeSeccomp } from '../../../profiles/seccomp/analyze.js';
import { containerCaps } from '../../../profiles/seccomp/evaluate.js';
import { seccompDelta, countLine } from '../../../profiles/seccomp/delta.js';

/**
 * The profile dockerd applies to every container that names none (`seccomp-profile` in daemon.json or
 * --seccomp-profile), judged as for a container with Docker's default capabilities.
 */
export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-060',
    title: "Daemon's default seccomp profile is weaker than Docker's",
    severity: 'high',
    stage: 'daemon',
    rationale:
      "dockerd's seccomp-profile replaces Docker's built-in default for every container that does not name its own. A replacement that allows by default, allows mount/unshare/keyctl/bpf and the other syscalls the built-in profile refuses, lets clone create namespaces, or lists no architectures weakens every container on the host at once; one that cannot be parsed stops dockerd from starting.",
    remediation: "Point seccomp-profile at Docker's default profile or a reviewed allow list (`bulwark profile check FILE` shows its delta against the default), or remove the setting.",
    references: [],
    cis: { section: '2', ids: [] },
  },
  (ev) => {
    const s = setting(ev, 'seccomp-profile');
    const loc = settingLocation(ev, s, 'seccomp-profile');
    const p = ev.daemonSeccompProfile;
    if (!p) return [{ status: 'pass', message: typeof s.value === 'string' && s.value ? `seccomp-profile is '${s.value}' (no custom file)` : "no custom seccomp-profile: containers get Docker's built-in default", key: 'seccomp-profile', location: loc }];
    const at = { ...loc, path: p.path };
    if (p.error || p.text === undefined) return [{ status: 'fail', message: `seccomp-profile ${p.path}: ${p.error ?? 'unreadable'} (dockerd does not start)`, key: 'seccomp-profile|unreadable', location: at, severity: 'medium' }];
    let profile;
    try {
      profile = parseSeccompProfile(p.text, p.path).profile;
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
      return [{ status: 'fail', message: `${e.message} (dockerd does not start)`, key: 'seccomp-profile|invalid', location: at, severity: 'medium' }];
    }
    const ctx = { arch: 'amd64', caps: containerCaps() };
    const issues = analyzeSeccomp(profile, ctx);
    const count = countLine(seccompDelta(profile, ctx));
    if (!issues.length) return [{ status: 'pass', message: `seccomp-profile ${p.path}: ${count}; nothing allowed beyond Docker's default that escapes need`, key: 'seccomp-profile', location: at }];
    return issues.map(
      (i): CheckResult => ({
        status: 'fail',
        message: `seccomp-profile ${p.path}${i.line ? ` line ${i.line}` : ''}: ${i.message}`,
        key: `seccomp-profile|${i.kind}|${i.syscall ?? ''}`,
        location: at,
        ...(i.severity ? { severity: i.severity } : i.kind === 'no-arch' ? { severity: 'low' as const } : {}),
        evidence: { kind: i.kind, ...(i.syscall ? { syscall: i.syscall } : {}), ...(i.line ? { line: i.line } : {}), count },
      }),
    );
  },
);
