import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';
import { missingClean } from './pkg-factories.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-041',
    title: 'zypper clean missing after zypper install',
    severity: 'low',
    rationale: 'zypper leaves its package cache in the layer.',
    remediation: 'End the RUN with `&& zypper clean` (or `zypper cc`).',
    references: ['DL3036', 'DS020', 'AVD-DS-0020'],
    autoFixable: true,
    helpUri: HADOLINT('DL3036'),
    stage: 'build',
  },
  (ctx) => missingClean(ctx, ['zypper'], (n, a) => n === 'zypper' && a.some((x) => x === 'clean' || x === 'cc'), ['/var/cache/zypp'], 'zypper clean', () => 'zypper clean', ['install', 'patch', 'remove']),
);
