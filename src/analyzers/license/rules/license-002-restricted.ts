import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { LicenseContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-LICENSE-002',
  title: 'Package under a restricted licence',
  severity: 'high',
  stage: 'image',
  rationale:
    'The package declares a licence classified as restricted (GPL, LGPL, OSL, CC-BY-SA/ND, Sleepycat...): distributing a product that ' +
    'includes it obliges you to offer its source, and for the strong copyleft ones the source of what links it.',
  remediation: 'Check that the way the image is distributed meets the licence (source offer, notices), or replace the package.',
  references: [],
  tags: ['license'],
};

export default defineRule<LicenseContext>(meta, (ctx) => ctx.findings(meta, ['restricted']));
