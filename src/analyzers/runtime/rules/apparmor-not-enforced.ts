import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { apparmorIssues, profileHit } from '../profile-issues.js';

const meta: RuleMeta = {
  id: 'BW-APPARMOR-004',
  title: 'AppArmor profile in complain or unconfined mode',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'A profile with flags=(complain) only logs what it would refuse, and flags=(unconfined) confines nothing: the container is named as confined (apparmor=NAME passes checks for apparmor=unconfined) while nothing is enforced. Complain mode is how a new profile is tuned, not how it should run.',
  remediation: 'Remove complain / unconfined from the profile flags once the profile has been tuned, and reload it (apparmor_parser -r).',
  references: ['CIS-5.2'],
  tags: ['confinement', 'apparmor'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  apparmorIssues(spec, 'not-enforced').map((i) => profileHit(meta, spec, 'apparmor', { key: `mode|${i.profile}`, message: i.message, line: i.line })),
);
