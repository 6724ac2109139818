import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-004',
    title: 'Docker engine and runtime versions',
    severity: 'info',
    stage: 'host',
    rationale: 'The engine, containerd, runc and the kernel are shared by every container; their versions decide which known escapes apply (BW-HOST-010/011/012 compare them with advisories).',
    remediation: 'Keep the engine, containerd, runc and the kernel on maintained, patched releases.',
    references: cisRefs('1.2.2'),
    cis: { section: '1', ids: ['1.2.2'] },
  },
  (ev) => {
    const c = ev.components;
    const parts = [
      c.engine ? `Engine ${c.engine.distroVersion ?? c.engine.version}` : undefined,
      c.containerd ? `containerd ${c.containerd.distroVersion ?? c.containerd.version}` : undefined,
      c.runc ? `runc ${c.runc.distroVersion ?? c.runc.version}` : undefined,
      ev.kernel.release ? `kernel ${ev.kernel.release}` : ev.kernel.installed?.length ? `installed kernels ${ev.kernel.installed.join(', ')}` : undefined,
    ].filter(Boolean);
    if (!parts.length) return [{ status: 'not-evaluated', message: `no version information (${ev.engine.error ?? 'no engine, no package database'})`, key: 'versions' }];
    return [{ status: 'info', message: parts.join('; '), key: 'versions', location: { kind: 'host', source: c.engine?.source ?? ev.kernel.source }, evidence: { ...c, kernel: ev.kernel.release ?? ev.kernel.installed } }];
  },
);
