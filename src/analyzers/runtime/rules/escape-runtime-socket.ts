import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { steps } from '../escape.js';
import { bindSource, isSocket } from '../hostpaths.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-ESCAPE-003',
  title: 'Escape path: container runtime socket mounted',
  severity: 'critical',
  stage: 'runtime',
  rationale: 'Whoever can talk to the Docker API can run `docker run --privileged -v /:/host` and chroot into the host. Read-only mounting does not help: the socket is still writable.',
  remediation: 'Remove the socket mount; use an API proxy that allows only the calls needed.',
  references: ['CIS-5.32', 'KSV006'],
  tags: ['escape'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const out = [];
  for (const [i, m] of spec.mounts.entries()) {
    const src = bindSource(m);
    if (!src || !isSocket(src)) continue;
    const s = [
      `${who(spec)} can reach the runtime API through ${src} mounted at ${m.target}${m.readOnly ? ' (read-only does not stop API calls)' : ''}`,
      `\`docker -H unix://${m.target} run --privileged -v /:/host alpine chroot /host\` (or the raw HTTP API) starts a new container`,
      'that container has the host root filesystem and full privileges',
      'the attacker is root on the host',
    ];
    out.push(hit(meta, spec, { fields: [`mounts.${i}`, 'mounts'], key: src, message: `Host takeover: ${steps(s)}`, evidence: { steps: s, source: src } }));
  }
  return out;
});
