/** Rule metadata for the non-vulnerability findings the matcher emits. */
import type { RuleMeta } from '../core/rule.js';

export const UNSUPPORTED_RELEASE_RULE: RuleMeta = {
  id: 'BW-IMAGE-090',
  title: 'OS packages not checked: distro release not covered by the vulnerability database',
  severity: 'info',
  stage: 'image',
  rationale:
    'The image says it is a distro release for which the vulnerability database has no advisories (an unsupported, ' +
    'end-of-life or unknown release, or a feed that was not imported). Its OS packages were not checked, so an empty ' +
    'vulnerability list does not mean the image is clean.',
  remediation: "Move to a supported release, or import that release's feed with 'bulwark db update --source ...'.",
  references: [],
  tags: ['vulnerability', 'coverage'],
};

export const vulndbRules: RuleMeta[] = [UNSUPPORTED_RELEASE_RULE];
