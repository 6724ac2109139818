import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { apparmorIssues, profileHit } from '../profile-issues.js';

const meta: RuleMeta = {
  id: 'BW-APPARMOR-002',
  title: 'AppArmor profile allows mount',
  severity: 'high',
  stage: 'runtime',
  rationale:
    'docker-default has `deny mount,`: mounting inside a container (procfs, cgroupfs, a host block device, a bind over a masked path) is the first step of many escapes. A `mount`, `remount` or `pivot_root` rule in a container profile allows it again for every process the profile confines.',
  remediation: 'Remove the mount rules and add `deny mount,`.',
  references: ['CIS-5.2'],
  tags: ['confinement', 'apparmor'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  apparmorIssues(spec, 'mount-allowed').map((i) => profileHit(meta, spec, 'apparmor', { key: `mount|${i.profile}|${i.line}`, message: i.message, line: i.line })),
);
