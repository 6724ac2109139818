import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-SECCOMP-005',
  title: 'Seccomp profile cannot be read',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'The seccomp profile the container names is missing, unreadable or not a valid profile (malformed JSON, an unknown action). Docker refuses to create the container, or, for a profile that was valid when the container was created, the profile in use cannot be checked. Unknown syscall names are not errors (runc skips them) and are reported as warnings.',
  remediation: 'Fix the path or the JSON; `bulwark profile check FILE` shows the first error with its line.',
  references: [],
  tags: ['confinement', 'seccomp'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const ref = spec.securityOpt.seccompProfile;
  if (!ref?.error || spec.privileged) return [];
  return [hit(meta, spec, { fields: ['securityOpt.seccomp', 'securityOpt'], key: 'seccomp|invalid', message: `${who(spec)}: ${ref.error}`, evidence: { profile: ref.path ?? 'inline' } })];
});
