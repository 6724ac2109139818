import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-037',
  title: 'SELinux label overridden (type outside the container types, or a user/role)',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    "On SELinux hosts the container runs as container_t. Another type (spc_t is 'super privileged container', unconfined_t is none) or a custom user/role takes the container out of that confinement. The container_t / container_init_t / container_kvm_t types and a level (MCS categories) are fine.",
  remediation: 'Remove the label override (label=type:..., seLinuxOptions.type/user/role), or use one of the container_* types.',
  references: ['KSV025', 'AVD-KSV-0025'],
  tags: ['confinement'],
};

const ALLOWED_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t']);

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged) return [];
  const out = [];
  for (const l of spec.securityOpt.labels) {
    const m = /^(type|user|role):(.*)$/.exec(l);
    if (!m) continue;
    const [, k, v] = m as unknown as [string, string, string];
    if (k === 'type' && ALLOWED_TYPES.has(v)) continue;
    // docker's own tests use application types (svirt_apache_t): only spc_t / unconfined types and user/role count for docker
    if (k === 'type' && spec.frontEnd !== 'k8s' && !/^(spc_t|unconfined_t|.*unconfined.*)$/.test(v)) continue;
    out.push(hit(meta, spec, { fields: ['securityOpt.label', 'securityOpt'], key: `label:${k}`, message: `${who(spec)} sets SELinux ${k} ${v}`, evidence: { [k]: v } }));
  }
  return out;
});
