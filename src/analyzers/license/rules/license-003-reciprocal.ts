import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { LicenseContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-LICENSE-003',
  title: 'Package under a reciprocal licence',
  severity: 'medium',
  stage: 'image',
  rationale:
    'The package declares a licence classified as reciprocal (MPL, EPL, CDDL, CPL, APSL, Ruby...): it may be shipped unmodified, ' +
    'but changes to its own files must be published under the same licence.',
  remediation: 'Ship it unmodified, or publish your changes to it; keep its licence text in the image.',
  references: [],
  tags: ['license'],
};

export default defineRule<LicenseContext>(meta, (ctx) => ctx.findings(meta, ['reciprocal']));
