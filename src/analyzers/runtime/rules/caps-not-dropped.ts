import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-003',
  title: 'Default capabilities not dropped',
  severity: 'low',
  stage: 'runtime',
  rationale:
    "Docker grants 14 capabilities by default (NET_RAW, MKNOD, DAC_OVERRIDE, SETUID, ...). Most services need none of them; NET_RAW alone allows ARP/DNS spoofing on the bridge.",
  remediation: 'Add --cap-drop ALL (cap_drop: [ALL]) and add back only what the service needs.',
  references: ['CIS-5.4', 'KSV003', 'AVD-KSV-0003'],
  tags: ['capabilities'],
  autoFixable: true,
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged || spec.capDrop.includes('ALL')) return [];
  return [
    hit(meta, spec, {
      fields: ['capDrop'],
      key: 'cap-drop',
      message: `${who(spec)} keeps Docker's default capabilities${spec.capDrop.length ? ` (drops only ${spec.capDrop.join(', ')})` : ''}`,
    }),
  ];
});
