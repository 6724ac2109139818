import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { apparmorIssues, profileHit } from '../profile-issues.js';

const meta: RuleMeta = {
  id: 'BW-APPARMOR-001',
  title: 'AppArmor profile grants capability sys_admin',
  severity: 'high',
  stage: 'runtime',
  rationale:
    "CAP_SYS_ADMIN is the capability behind mount, namespace administration, BPF and most known container escapes. An AppArmor profile that names it gives up the one layer that could still refuse it when the container is granted the capability. (A bare `capability,` rule, as in docker-default, leaves the decision to the container's capability set and is not reported.)",
  remediation: 'Remove `capability sys_admin` from the profile; if the workload truly needs one privileged operation, allow that operation only.',
  references: ['CIS-5.2'],
  tags: ['confinement', 'apparmor'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  apparmorIssues(spec, 'cap-sys-admin').map((i) => profileHit(meta, spec, 'apparmor', { key: `cap|${i.profile}`, message: i.message, line: i.line })),
);
