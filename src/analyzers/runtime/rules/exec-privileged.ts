import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-039',
  title: 'Exec session with --privileged',
  severity: 'high',
  stage: 'runtime',
  rationale:
    'docker exec --privileged gives the process every capability and no seccomp or AppArmor confinement, whatever the container was started with: a way around the container\'s hardening. The engine keeps an exec session only while it runs, so this sees the sessions open at audit time; past ones are in the daemon\'s event log (docker events --filter event=exec_create).',
  remediation: 'Do not use docker exec --privileged; grant the one capability a task needs in the container definition, or run the task in a dedicated, reviewed container.',
  references: ['CIS-5.23'],
  tags: ['exec'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  (spec.execs ?? [])
    .filter((e) => e.privileged)
    .map((e) =>
      hit(meta, spec, {
        fields: [''],
        key: `exec|${e.id}`,
        message: `${who(spec)} has a privileged exec session: ${e.command || e.id.slice(0, 12)}`,
        evidence: { exec: e.id, command: e.command, user: e.user, running: e.running },
      }),
    ),
);
