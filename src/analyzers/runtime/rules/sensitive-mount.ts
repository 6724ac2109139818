import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { bindSource, isSocket, sensitiveDir } from '../hostpaths.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-009',
  title: 'Sensitive host path mounted',
  severity: 'high',
  stage: 'runtime',
  rationale:
    'Bind-mounting host system directories (/, /etc, /boot, /dev, /proc, /sys, /usr, /var/lib/docker, /root, /home, ...) exposes host configuration, credentials and devices; read-write, it lets the container change the host. Unlike Docker Bench, sub-paths (/etc/shadow) and /root, /home, /run, /var/lib/docker count, and the host side is checked, not the destination.',
  remediation: 'Mount only the application directory the service needs, read-only where possible; never host system directories.',
  references: ['CIS-5.6', 'KSV023', 'AVD-KSV-0023'],
  tags: ['mounts'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const out = [];
  for (const [i, m] of spec.mounts.entries()) {
    const src = bindSource(m);
    if (!src || isSocket(src)) continue;
    const dir = sensitiveDir(src);
    if (!dir) continue;
    out.push(
      hit(meta, spec, {
        fields: [`mounts.${i}`, 'mounts'],
        key: `${src}>${m.target}`,
        severity: m.readOnly ? 'medium' : 'high',
        message: `${who(spec)} mounts host ${src} at ${m.target} ${m.readOnly ? 'read-only' : 'read-write'}`,
        evidence: { source: src, target: m.target, readOnly: m.readOnly, sensitiveDir: dir },
      }),
    );
  }
  return out;
});
