import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-036',
  title: 'hostPath volume',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    "A hostPath volume ties the pod to one node's filesystem and opens it to the container (a declared hostPath that no container mounts is still there for `kubectl debug` containers). Sensitive paths are reported by BW-RUNTIME-009 and the escape rules; this one is about hostPath at all. (`docker run -v` binds of a project directory are the normal way to share files, so only Kubernetes manifests are checked.)",
  remediation: 'Use emptyDir, a ConfigMap/Secret, or a PersistentVolumeClaim; if the host directory is really needed, mount it read-only and as narrowly as possible.',
  references: ['KSV023', 'AVD-KSV-0023'],
  tags: ['mounts', 'kubernetes'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.frontEnd !== 'k8s') return [];
  const out = [];
  for (const [i, m] of spec.mounts.entries()) {
    if (m.type !== 'bind') continue;
    out.push(
      hit(meta, spec, {
        fields: [`mounts.${i}`, 'mounts'],
        key: `${m.volume ?? ''}>${m.source ?? ''}`,
        message: `${who(spec)} ${m.unmounted ? `has hostPath volume '${m.volume}' (${m.source}) in its pod, mounted by no container` : `mounts hostPath ${m.source} at ${m.target}${m.readOnly ? ' read-only' : ''}`}`,
        evidence: { volume: m.volume, path: m.source, target: m.unmounted ? undefined : m.target, readOnly: m.readOnly },
      }),
    );
  }
  return out;
});
