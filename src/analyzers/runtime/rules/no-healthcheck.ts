import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-025',
  title: 'No healthcheck',
  severity: 'low',
  stage: 'runtime',
  rationale: 'Without a healthcheck a hung service keeps running and receiving traffic; orchestration cannot replace it.',
  remediation: 'Add --health-cmd (healthcheck: test: ...) or a HEALTHCHECK in the image; do not disable it with --no-healthcheck.',
  references: ['CIS-5.27', 'CIS-4.6'],
  tags: ['availability'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const hc = spec.healthcheck;
  if (hc?.disabled) return [hit(meta, spec, { fields: ['healthcheck'], key: 'hc', message: `${who(spec)} disables the healthcheck` })];
  if (hc?.test && hc.test.length > 0) return [];
  // Kubernetes ignores the image's HEALTHCHECK: only probes count
  if (spec.frontEnd === 'k8s') return [hit(meta, spec, { fields: ['healthcheck', ''], key: 'hc', message: `${who(spec)} has no liveness, readiness or startup probe`, remediation: 'Add a livenessProbe (and a readinessProbe) to the container.' })];
  if (spec.imageHealthcheck && !spec.imageHealthcheck.disabled && spec.imageHealthcheck.test?.length) return [];
  const note = spec.imageHealthcheckKnown ? '' : ' (the image is not inspected here: its HEALTHCHECK, if any, would apply)';
  return [hit(meta, spec, { fields: ['healthcheck'], key: 'hc', message: `${who(spec)} has no healthcheck${note}` })];
});
