import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-012',
  title: 'Host device passed through',
  severity: 'medium',
  stage: 'runtime',
  rationale: 'A host device node (disk, /dev/mem, GPU, USB) gives direct access to hardware; a block device with rw access is the whole host filesystem.',
  remediation: 'Pass only the device the workload needs, with the narrowest permissions (r instead of rwm).',
  references: ['CIS-5.18'],
  tags: ['devices'],
};

const BLOCKISH = /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|loop|dm-|md|mem|kmem|port|mapper)/;

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged) return [];
  const out = spec.devices.map((d, i) =>
    hit(meta, spec, {
      fields: [`devices.${i}`, 'devices'],
      key: d.host,
      severity: BLOCKISH.test(d.host) && d.permissions.includes('w') ? 'high' : 'medium',
      message: `${who(spec)} gets host device ${d.host} (${d.permissions || 'rwm'})`,
      evidence: { ...d },
    }),
  );
  spec.deviceCgroupRules.forEach((r, i) => {
    out.push(
      hit(meta, spec, {
        fields: [`deviceCgroupRules.${i}`, 'deviceCgroupRules'],
        key: `rule:${r}`,
        message: `${who(spec)} is allowed devices by cgroup rule '${r}'`,
      }),
    );
  });
  return out;
});
