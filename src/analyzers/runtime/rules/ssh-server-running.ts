import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-038',
  title: 'SSH server running in the container',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'An sshd inside a container is one more network service with its own keys, users and patch cycle, and a way in that bypasses the engine\'s access control and audit; docker exec already gives a shell. (Read from the host side through the engine\'s process list: nothing is executed inside the container, so images without ps are checked too.)',
  remediation: 'Remove the SSH server from the image and the container command; use docker exec (or kubectl exec) for interactive access.',
  references: ['CIS-5.7'],
  tags: ['process'],
};

/** the program name of a process command line: `/usr/sbin/sshd -D` → `sshd`, `sshd: user@pts/0` → `sshd` */
function program(cmd: string): string {
  const first = cmd.trim().split(/\s+/)[0] ?? '';
  return first.replace(/:$/, '').split('/').pop() ?? '';
}

export default defineRule<ContainerSpec>(meta, (spec) => {
  const ssh = (spec.processes ?? []).filter((p) => /^(sshd|dropbear)$/.test(program(p)));
  if (!ssh.length) return [];
  return [
    hit(meta, spec, {
      fields: [''],
      key: 'sshd',
      message: `${who(spec)} runs an SSH server: ${ssh.slice(0, 3).join('; ')}`,
      evidence: { processes: ssh.slice(0, 10) },
    }),
  ];
});
