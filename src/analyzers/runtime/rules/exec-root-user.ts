import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';
import { isRootUser } from './root-user.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-040',
  title: 'Exec session with --user root',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'docker exec --user root (or 0) runs a process as root in a container that was built to run as another user, undoing that choice for whatever the session does. The engine keeps an exec session only while it runs, so this sees the sessions open at audit time.',
  remediation: 'Run exec sessions as the container\'s own user; change what needs root in the image instead.',
  references: ['CIS-5.24'],
  tags: ['exec', 'user'],
};

export default defineRule<ContainerSpec>(meta, (spec) =>
  (spec.execs ?? [])
    // '' is the container's own user: the concern is an explicit switch to root
    .filter((e) => e.user.trim() !== '' && isRootUser(e.user))
    .map((e) =>
      hit(meta, spec, {
        fields: [''],
        key: `exec|${e.id}`,
        message: `${who(spec)} has an exec session as user '${e.user}': ${e.command || e.id.slice(0, 12)}`,
        evidence: { exec: e.id, command: e.command, user: e.user, running: e.running },
      }),
    ),
);
