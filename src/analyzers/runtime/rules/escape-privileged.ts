import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { steps } from '../escape.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-ESCAPE-001',
  title: 'Escape path: privileged container',
  severity: 'critical',
  stage: 'runtime',
  rationale:
    'A privileged container has all capabilities, all devices and no LSM/seccomp confinement: mounting the host disk or abusing cgroup release_agent gives root on the host in a few commands.',
  remediation: 'Remove privileged; grant the specific capability/device needed.',
  references: ['CIS-5.5', 'KSV017'],
  tags: ['escape'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (!spec.privileged) return [];
  const s = [
    `${who(spec)} is privileged: it holds every capability and sees every host device under /dev`,
    'as root inside, `mount /dev/sda1 /mnt` (or the host root device) mounts the host filesystem',
    'write /mnt/etc/cron.d/x or /mnt/root/.ssh/authorized_keys, or `chroot /mnt`',
    'the host runs attacker code as root (cgroup release_agent is a second route)',
  ];
  return [hit(meta, spec, { fields: ['privileged'], key: 'privileged', message: `Host takeover: ${steps(s)}`, evidence: { steps: s } })];
});
