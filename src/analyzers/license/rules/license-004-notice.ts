import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { LicenseContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-LICENSE-004',
  title: 'Package under a notice, permissive or unencumbered licence',
  severity: 'low',
  stage: 'image',
  rationale:
    'The package declares a licence classified as notice (MIT, BSD, Apache-2.0, ISC...), permissive or unencumbered (CC0, Unlicense, 0BSD): ' +
    'it may be shipped in any product; notice licences require keeping the copyright notice.',
  remediation: 'Keep the licence and copyright notices with the distribution (notice licences); nothing else is required.',
  references: [],
  tags: ['license'],
};

export default defineRule<LicenseContext>(meta, (ctx) => ctx.findings(meta, ['notice', 'permissive', 'unencumbered']));
