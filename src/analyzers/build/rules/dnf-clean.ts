import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { missingClean } from './pkg-factories.js';

/** dnf actions that download packages into the cache */
const DNF_INSTALLING = ['install', 'reinstall', 'upgrade', 'upgrade-minimal', 'groupinstall', 'localinstall', 'module-install'];

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-044',
    title: 'dnf/microdnf clean all missing after install',
    severity: 'low',
    rationale: 'dnf leaves its metadata and package cache in the layer.',
    remediation: 'End the RUN with `&& dnf clean all` (`microdnf clean all`).',
    references: ['DL3040', 'DS019', 'AVD-DS-0019', 'DS027', 'AVD-DS-0027'],
    autoFixable: true,
    helpUri: HADOLINT('DL3040'),
    stage: 'build',
  },
  (ctx) =>
    missingClean(ctx, ['dnf', 'microdnf'], (n, a, installer) => n === installer && a.includes('clean') && a.includes('all'), ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'], 'dnf clean all', (m) => `${m} clean all`, DNF_INSTALLING),
);
