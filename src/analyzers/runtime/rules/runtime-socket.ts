import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { bindSource, isSocket } from '../hostpaths.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-010',
  title: 'Container runtime socket mounted',
  severity: 'high',
  stage: 'runtime',
  rationale:
    'The Docker (or containerd, CRI-O, Podman, BuildKit) API socket lets anyone in the container start a privileged container with the host root mounted, even when mounted read-only.',
  remediation: 'Do not mount the runtime socket; use a narrowly-scoped API proxy if the service must talk to the engine.',
  references: ['CIS-5.32', 'KSV006', 'AVD-KSV-0006'],
  tags: ['mounts'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const out = [];
  for (const [i, m] of spec.mounts.entries()) {
    const src = bindSource(m);
    if (!src || !isSocket(src)) continue;
    out.push(
      hit(meta, spec, {
        fields: [`mounts.${i}`, 'mounts'],
        key: src,
        message: `${who(spec)} mounts the runtime socket ${src} at ${m.target}`,
        evidence: { source: src, target: m.target, readOnly: m.readOnly },
      }),
    );
  }
  return out;
});
