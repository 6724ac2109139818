import { defineRule } from '../rule.js';
import { HADOLINT, pkgHits } from './util.js';

export default defineRule(
  {
    id: 'BW-BUILD-029',
    title: 'apt used instead of apt-get',
    severity: 'low',
    rationale: '`apt` is an interactive front end whose output and behaviour are not stable for scripts; apt-get and apt-cache are.',
    remediation: 'Use apt-get (or apt-cache) in Dockerfiles.',
    references: ['DL3027'],
    helpUri: HADOLINT('DL3027'),
  },
  (ctx) => pkgHits(ctx, ['apt'], (p) => ({ message: `'apt ${p.action}': use apt-get`, key: p.action })),
);
