import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { steps } from '../escape.js';
import { bindSource, isSocket, systemDir } from '../hostpaths.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-ESCAPE-005',
  title: 'Escape path: writable mount of a host system path',
  severity: 'critical',
  stage: 'runtime',
  rationale:
    'A read-write bind mount of /, /etc, /usr, /boot, /root, /var/lib/docker, /proc, /sys, /dev (or anything under them) lets root in the container change what the host runs: add a cron job or an SSH key, replace a binary, edit sudoers.',
  remediation: 'Mount read-only, mount only the specific sub-directory needed, or use a named volume.',
  references: ['CIS-5.6', 'KSV023'],
  tags: ['escape'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  const out = [];
  for (const [i, m] of spec.mounts.entries()) {
    const src = bindSource(m);
    if (!src || m.readOnly || isSocket(src)) continue;
    const dir = systemDir(src);
    if (!dir) continue;
    const s = [
      `${who(spec)} mounts host ${src} read-write at ${m.target}`,
      `root in the container can modify host files under ${src} (e.g. ${dir === '/' || dir === '/etc' ? '/etc/cron.d, /etc/passwd, /etc/sudoers' : dir === '/root' ? '/root/.ssh/authorized_keys' : 'binaries or configuration the host trusts'})`,
      'the host executes or trusts the changed file',
      'code runs on the host as root',
    ];
    out.push(
      hit(meta, spec, { fields: [`mounts.${i}`, 'mounts'], key: `${src}>${m.target}`, message: `Host takeover: ${steps(s)}`, evidence: { steps: s, source: src, target: m.target } }),
    );
  }
  return out;
});
