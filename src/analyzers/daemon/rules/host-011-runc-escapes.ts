import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { notEvaluated } from '../check.js';
import { upstreamOf } from '../escapes.js';
import { escapeResults } from './escape-check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-011',
    title: 'runc has a known container-escape vulnerability',
    severity: 'critical',
    stage: 'host',
    rationale: 'runc starts every container process; its escapes (CVE-2019-5736, CVE-2024-21626 "Leaky Vessels", the 2025 mount races) let a malicious image or container overwrite host files or run as root on the host.',
    remediation: 'Update runc (the runc, containerd.io or docker-ce package that ships it) to a fixed release and restart running containers.',
    references: [],
    tags: ['escape', 'cve'],
    cis: { section: 'K', ids: [] },
  },
  (ev) => {
    const r = ev.components.runc;
    if (!r) return [notEvaluated('runc', `runc version unknown (${ev.engine.error ?? 'not reported by GET /version'})`)];
    const distro = r.distroVersion && /deb\d|~ds|\+ds|dfsg/.test(r.distroVersion) ? 'debian' : r.distroVersion ? ev.os.id : undefined;
    return escapeResults(
      'runc',
      { version: upstreamOf(r.version), distroVersion: r.distroVersion, distro, codename: distro === 'debian' && ev.os.id === 'debian' ? ev.os.codename : undefined, distroBuild: Boolean(r.distroVersion) },
      { kind: 'host', setting: 'runc', source: r.source },
      'runc',
    );
  },
);
