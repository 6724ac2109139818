import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-018',
  title: 'Seccomp disabled',
  severity: 'high',
  stage: 'runtime',
  rationale: "Docker's default seccomp profile blocks some 50 dangerous system calls (keyctl, mount, unshare, bpf, ...); unconfined exposes the whole kernel syscall surface.",
  remediation: 'Remove seccomp=unconfined; use the default profile or a custom one that allows only what is needed.',
  references: ['CIS-5.22', 'KSV104', 'AVD-KSV-0104', 'KSV030', 'AVD-KSV-0030'],
  tags: ['confinement'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged || spec.securityOpt.seccomp !== 'unconfined') return [];
  if (spec.securityOpt.seccompImplicit) {
    // Kubernetes runs a pod Unconfined unless a profile is asked for (or the kubelet's SeccompDefault is on)
    return [
      hit(meta, spec, {
        fields: ['securityOpt.seccomp', ''],
        key: 'seccomp',
        severity: 'medium',
        message: `${who(spec)} asks for no seccomp profile: Kubernetes runs it Unconfined unless the kubelet enables SeccompDefault`,
        remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a profile).',
      }),
    ];
  }
  return [hit(meta, spec, { fields: ['securityOpt.seccomp', 'securityOpt'], key: 'seccomp', message: `${who(spec)} runs with seccomp=unconfined` })];
});
