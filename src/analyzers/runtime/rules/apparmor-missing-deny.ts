import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { apparmorIssues, profileHit } from '../profile-issues.js';

const meta: RuleMeta = {
  id: 'BW-APPARMOR-003',
  title: 'AppArmor profile does not deny /proc/sysrq-trigger, /proc/kcore or /sys/firmware',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    "docker-default denies /proc/sysrq-trigger (reboot or crash the host), /proc/kcore (the host's memory) and /sys/firmware (firmware tables, EFI variables) outright. A profile whose allow rules reach those paths (`file,`, `/** rw,`, `/proc/** r,` ...) without the matching deny gives them back. A profile that allows none of them needs no deny: AppArmor refuses what no rule names.",
  remediation: 'Add docker-default\'s denies: `deny @{PROC}/sysrq-trigger rwklx,`, `deny @{PROC}/kcore rwklx,`, `deny /sys/firmware/** rwklx,`.',
  references: ['CIS-5.2'],
  tags: ['confinement', 'apparmor'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  apparmorIssues(spec, 'missing-deny').map((i) => profileHit(meta, spec, 'apparmor', { key: `deny|${i.profile}|${i.path}`, message: i.message, line: i.line, evidence: { path: i.path } })),
);
