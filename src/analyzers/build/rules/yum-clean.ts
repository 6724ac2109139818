import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { missingClean } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-038',
    title: 'yum clean all missing after yum install',
    severity: 'low',
    rationale: 'yum leaves its metadata and package cache in the layer.',
    remediation: 'End the RUN with `&& yum clean all` (or `rm -rf /var/cache/yum`).',
    references: ['DL3032', 'DS015', 'AVD-DS-0015'],
    autoFixable: true,
    helpUri: HADOLINT('DL3032'),
    stage: 'build',
  },
  (ctx) => missingClean(ctx, ['yum'], (n, a) => n === 'yum' && a.includes('clean') && a.includes('all'), ['/var/cache/yum'], 'yum clean all', () => 'yum clean all', ['install', 'reinstall', 'groupinstall', 'localinstall', 'module-install']),
);
