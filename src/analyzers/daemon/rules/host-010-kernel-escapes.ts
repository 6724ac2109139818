import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { notEvaluated } from '../check.js';
import { kernelVersion } from '../escapes.js';
import { escapeResults } from './escape-check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-010',
    title: 'Host kernel has a known container-escape vulnerability',
    severity: 'high',
    stage: 'host',
    rationale: 'Every container shares the host kernel; a kernel privilege escalation reachable from a container (Dirty COW, Dirty Pipe, cgroup release_agent, nf_tables) turns any code execution in any container into root on the host.',
    remediation: 'Update the kernel to a release with the fix (or the distribution package that backports it) and reboot into it; until then keep seccomp and AppArmor/SELinux on and user namespaces restricted.',
    references: [],
    tags: ['escape', 'cve'],
    cis: { section: 'K', ids: [] },
  },
  (ev) => {
    const osInfo = { id: ev.os.id, codename: ev.os.codename };
    if (ev.kernel.release) {
      const cv = kernelVersion(ev.kernel.release, ev.kernel.procVersion, osInfo);
      if (!cv) return [notEvaluated('kernel', `kernel release '${ev.kernel.release}' not understood`)];
      return escapeResults('kernel', cv, { kind: 'host', setting: 'kernel', source: ev.kernel.source }, 'kernel');
    }
    if (ev.kernel.installed?.length) {
      // offline: which kernel boots is unknown; evaluate each installed one, downgrade fails to warnings
      const out: CheckResult[] = [];
      for (const rel of ev.kernel.installed) {
        const cv = kernelVersion(rel, undefined, osInfo);
        if (!cv) continue;
        for (const r of escapeResults('kernel', cv, { kind: 'host', path: `/lib/modules/${rel}`, setting: 'kernel', source: '--root snapshot' }, `installed kernel ${rel}`)) {
          out.push({ ...r, key: `${r.key}|${rel}`, ...(r.status === 'fail' ? { status: 'warn' as const, message: `${r.message} (offline: the running kernel is unknown)` } : {}) });
        }
      }
      if (out.length) return out;
    }
    return [notEvaluated('kernel', ev.mode === 'offline' ? 'offline snapshot without /lib/modules: kernel unknown' : 'kernel release unknown')];
  },
);
