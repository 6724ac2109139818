import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { AVD } from './util.js';
import { exposedPorts } from './ports.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-007',
    title: 'SSH port 22 exposed',
    severity: 'medium',
    rationale: 'Running sshd inside a container adds a remote login surface and keys to manage; `docker exec` covers the need.',
    remediation: 'Remove `EXPOSE 22` and the SSH server; use `docker exec` for debugging.',
    references: ['DS004', 'AVD-DS-0004'],
    helpUri: AVD('DS004'),
    tags: ['network'],
    stage: 'build',
  },
  (ctx) =>
    ctx.all('EXPOSE').flatMap((inst) =>
      exposedPorts(inst)
        .filter((p) => p.from <= 22 && 22 <= p.to)
        .map((p) => ({ inst, message: `EXPOSE ${p.text} publishes SSH (port 22)`, key: p.text })),
    ),
);
