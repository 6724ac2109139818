import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT, pkgHits } from './util.js';

const UPGRADE: Record<string, string[]> = {
  'apt-get': ['upgrade', 'dist-upgrade', 'full-upgrade'],
  apt: ['upgrade', 'dist-upgrade', 'full-upgrade'],
  aptitude: ['upgrade', 'safe-upgrade', 'full-upgrade', 'dist-upgrade'],
  apk: ['upgrade'],
  yum: ['update', 'upgrade'],
  dnf: ['update', 'upgrade', 'distro-sync'],
  microdnf: ['update', 'upgrade'],
  zypper: ['update', 'dist-upgrade'],
};

/** the upstream ID each manager's upgrade corresponds to (Trivy's DS024 is apt-get dist-upgrade only) */
function upstreamOf(manager: string, action: string): string[] {
  if (manager === 'apt-get' || manager === 'apt' || manager === 'aptitude') return action === 'dist-upgrade' ? ['DL3005', 'DS024'] : ['DL3005'];
  return [{ apk: 'DL3017', yum: 'DL3031', dnf: 'DL3039', microdnf: 'DL3039', zypper: 'DL3035' }[manager] ?? ''].filter(Boolean);
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-028',
    title: 'Whole-system upgrade in RUN',
    severity: 'low',
    rationale: 'A blanket upgrade (dist-upgrade above all) makes the image differ from its base in unreviewed ways and can pull major version changes; the fix belongs in the base image tag.',
    remediation: 'Use a newer base image tag, or upgrade only the packages you need with pinned versions.',
    references: ['DS024', 'AVD-DS-0024', 'DL3005', 'DL3017', 'DL3031', 'DL3035', 'DL3039'],
    helpUri: HADOLINT('DL3005'),
    stage: 'build',
  },
  (ctx) =>
    pkgHits(ctx, ['apt-get', 'apt', 'aptitude', 'apk', 'yum', 'dnf', 'microdnf', 'zypper'], (p) => {
      if (!UPGRADE[p.manager]?.includes(p.action)) return undefined;
      if ((p.manager === 'yum' || p.manager === 'dnf' || p.manager === 'microdnf') && p.args.filter((a) => !a.startsWith('-')).length > 1) return undefined;
      return { message: `'${p.manager} ${p.action}' upgrades the whole system during the build`, key: `${p.manager} ${p.action}`, upstream: upstreamOf(p.manager, p.action) };
    }),
);
