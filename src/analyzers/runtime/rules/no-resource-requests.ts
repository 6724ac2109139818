import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-035',
  title: 'No CPU or memory request (scheduler)',
  severity: 'low',
  stage: 'runtime',
  rationale:
    'Without requests the scheduler places the pod as if it needed nothing: nodes get overcommitted and the pod is among the first evicted under pressure. (A Kubernetes setting: `docker run` has no scheduler, so other front ends are not checked.)',
  remediation: 'Set resources.requests.cpu and resources.requests.memory (equal to the limits for Guaranteed QoS).',
  references: ['KSV015', 'KSV016', 'AVD-KSV-0015', 'AVD-KSV-0016'],
  tags: ['resources', 'kubernetes'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.frontEnd !== 'k8s') return [];
  const out = [];
  if (spec.cpuReservation === undefined) {
    out.push(hit(meta, spec, { fields: ['cpuReservation', 'cpus', ''], key: 'cpu-request', message: `${who(spec)} sets no CPU request`, evidence: { resource: 'cpu' }, references: ['KSV015', 'AVD-KSV-0015'] }));
  }
  if (spec.memoryReservation === undefined) {
    out.push(hit(meta, spec, { fields: ['memoryReservation', 'memory', ''], key: 'memory-request', message: `${who(spec)} sets no memory request`, evidence: { resource: 'memory' }, references: ['KSV016', 'AVD-KSV-0016'] }));
  }
  return out;
});
