import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { AVD, runs } from './util.js';

// Trivy DS017 also counts `yum/dnf update` and `zypper up` run on their own
const INDEX_REFRESH: Record<string, string[]> = {
  'apt-get': ['update'],
  apt: ['update'],
  aptitude: ['update'],
  apk: ['update'],
  zypper: ['refresh', 'update'],
  yum: ['makecache', 'update', 'check-update'],
  dnf: ['makecache', 'update', 'check-update'],
  microdnf: ['makecache', 'update'],
};

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-022',
    title: 'Package index update in its own RUN',
    severity: 'medium',
    rationale: 'A RUN that only refreshes the package index is cached as a layer; later installs reuse the stale index and miss security updates (CIS 4.7).',
    remediation: 'Update and install in the same RUN: `RUN apt-get update && apt-get install -y ...`.',
    references: ['DS017', 'AVD-DS-0017', 'CIS-4.7'],
    helpUri: AVD('DS017'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx)) {
      const pk = ctx.packages(inst);
      const upd = pk.find((p) => INDEX_REFRESH[p.manager]?.includes(p.action));
      if (upd && !pk.some((p) => p.action === 'install' || p.action === 'upgrade' || p.action === 'dist-upgrade')) {
        hits.push({ inst, message: `'${upd.manager} ${upd.action}' without an install in the same RUN` });
      }
    }
    return hits;
  },
);
