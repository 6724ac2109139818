import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { notEvaluated } from '../check.js';
import { upstreamOf } from '../escapes.js';
import { escapeResults } from './escape-check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-012',
    title: 'containerd has a known container-escape vulnerability',
    severity: 'high',
    stage: 'host',
    rationale: 'containerd and its shims run every container; CVE-2020-15257 let host-network containers drive the shim API and start privileged containers.',
    remediation: 'Update containerd (containerd or containerd.io package) to a fixed release and restart the shims (restart containers).',
    references: [],
    tags: ['escape', 'cve'],
    cis: { section: 'K', ids: [] },
  },
  (ev) => {
    const c = ev.components.containerd;
    if (!c) return [notEvaluated('containerd', `containerd version unknown (${ev.engine.error ?? 'not reported by GET /version'})`)];
    const distro = c.distroVersion && /deb\d|~ds|\+ds|dfsg/.test(c.distroVersion) ? 'debian' : c.distroVersion ? ev.os.id : undefined;
    return escapeResults(
      'containerd',
      { version: upstreamOf(c.version), distroVersion: c.distroVersion, distro, codename: distro === 'debian' && ev.os.id === 'debian' ? ev.os.codename : undefined, distroBuild: Boolean(c.distroVersion) },
      { kind: 'host', setting: 'containerd', source: c.source },
      'containerd',
    );
  },
);
