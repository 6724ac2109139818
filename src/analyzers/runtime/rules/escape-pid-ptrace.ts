import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { steps, hasCap, capIndex } from '../escape.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-ESCAPE-004',
  title: 'Escape path: host PID namespace with SYS_PTRACE',
  severity: 'critical',
  stage: 'runtime',
  rationale: 'With the host PID namespace and SYS_PTRACE, a container process can attach to any host process running as the same (root) user and inject code into it, or read /proc/<pid>/root.',
  remediation: 'Remove pid: host or SYS_PTRACE (ideally both).',
  references: ['CIS-5.16', 'CIS-5.4', 'KSV010'],
  tags: ['escape'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged || spec.pidMode !== 'host' || !hasCap(spec, 'SYS_PTRACE')) return [];
  const s = [
    `${who(spec)} shares the host PID namespace: every host process is visible`,
    'with CAP_SYS_PTRACE (and root, the default) it can ptrace host root processes (seccomp allows ptrace once SYS_PTRACE is granted)',
    'inject shellcode into a host daemon, or read /proc/1/root to walk the host filesystem',
    'the injected code runs on the host as root',
  ];
  return [hit(meta, spec, { fields: ['pidMode', capIndex(spec, 'SYS_PTRACE')], key: 'pid+ptrace', message: `Host takeover: ${steps(s)}`, evidence: { steps: s } })];
});
