import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-016',
  title: 'Root filesystem writable',
  severity: 'low',
  stage: 'runtime',
  rationale: 'A writable root filesystem lets an attacker drop tools and persist changes to binaries inside the container.',
  remediation: 'Run with --read-only (read_only: true) and give writable tmpfs/volumes only where the app writes.',
  references: ['CIS-5.13', 'KSV014', 'AVD-KSV-0014'],
  tags: ['filesystem'],
  autoFixable: true,
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.readOnlyRootfs) return [];
  return [hit(meta, spec, { fields: ['readOnlyRootfs'], key: 'rootfs', message: `${who(spec)} has a writable root filesystem` })];
});
