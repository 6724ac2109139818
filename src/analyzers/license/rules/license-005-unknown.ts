import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { LicenseContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-LICENSE-005',
  title: 'Package under an unclassified licence',
  severity: 'unknown',
  stage: 'image',
  rationale:
    'The package declares a licence that is not an SPDX ID of the classification table (free text, a custom licence, a name Bulwark does ' +
    'not recognise), so nobody has decided what shipping it allows.',
  remediation: 'Read the licence and decide; record the decision in .bulwarkignore (rule BW-LICENSE-005, path=) with a reason.',
  references: [],
  tags: ['license'],
};

export default defineRule<LicenseContext>(meta, (ctx) => ctx.findings(meta, ['unknown']));
