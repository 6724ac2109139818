import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { steps, hasCap, capIndex } from '../escape.js';
import { bindSource } from '../hostpaths.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-ESCAPE-002',
  title: 'Escape path: CAP_SYS_ADMIN with a host mount',
  severity: 'critical',
  stage: 'runtime',
  rationale:
    'SYS_ADMIN allows mount(2) and cgroup manipulation; together with a bind mount of a host directory, the container can rewrite host files (the course demo rewrote host files exactly this way) or plant a cgroup release_agent.',
  remediation: 'Drop SYS_ADMIN; if a host directory must be shared, mount it read-only and only the needed sub-directory.',
  references: ['CIS-5.4', 'CIS-5.6', 'KSV005'],
  tags: ['escape'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged || !hasCap(spec, 'SYS_ADMIN')) return [];
  const out = [];
  for (const [i, m] of spec.mounts.entries()) {
    const src = bindSource(m);
    if (!src) continue;
    const s = [
      `${who(spec)} has CAP_SYS_ADMIN and the host directory ${src} mounted at ${m.target}${m.readOnly ? ' (read-only)' : ''}`,
      m.readOnly ? `SYS_ADMIN allows \`mount -o remount,rw ${m.target}\`, turning the read-only bind writable` : `files under ${m.target} are host files, writable`,
      'SYS_ADMIN also allows mounting a cgroup filesystem and setting notify_on_release/release_agent',
      `write a script into ${m.target} and point release_agent (or a host cron/systemd file under ${src}) at it`,
      'the host kernel executes it as root outside the container',
    ];
    out.push(
      hit(meta, spec, {
        fields: [capIndex(spec, 'SYS_ADMIN'), `mounts.${i}`],
        key: src,
        message: `Host takeover: ${steps(s)}`,
        evidence: { steps: s, source: src, target: m.target },
      }),
    );
  }
  return out;
});
