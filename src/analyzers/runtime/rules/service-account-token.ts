import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-034',
  title: 'Kubernetes API token mounted',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    "A pod gets its service account's API token at /var/run/secrets/kubernetes.io/serviceaccount unless it opts out. Whoever takes over the container can then call the Kubernetes API with the account's rights (list secrets, create pods...).",
  remediation: 'Set automountServiceAccountToken: false on the pod (or its ServiceAccount) unless the workload calls the API; then give the account only the RBAC it needs.',
  references: ['KSV036', 'AVD-KSV-0036'],
  tags: ['kubernetes', 'credentials'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.serviceAccountToken !== true) return [];
  return [hit(meta, spec, { fields: ['serviceAccountToken', ''], key: 'sa-token', message: `${who(spec)} gets the service account API token mounted` })];
});
