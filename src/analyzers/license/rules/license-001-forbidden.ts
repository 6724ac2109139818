import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { LicenseContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-LICENSE-001',
  title: 'Package under a forbidden licence',
  severity: 'critical',
  stage: 'image',
  rationale:
    'The package declares a licence Trivy (after Google\'s licenseclassifier) classifies as forbidden: network copyleft (AGPL), ' +
    'non-commercial Creative Commons, Commons Clause, the Facebook patent licences, WTFPL. Shipping it in a product is normally not allowed.',
  remediation: 'Replace the package, or get a legal review and record the decision in .bulwarkignore with a reason.',
  references: [],
  tags: ['license'],
};

export default defineRule<LicenseContext>(meta, (ctx) => ctx.findings(meta, ['forbidden']));
