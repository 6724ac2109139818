import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import type { Instruction, Stage } from '../../../dockerfile/model.js';
import { finalStage } from '../../../dockerfile/model.js';
import { HADOLINT, isRootUser } from './util.js';

/** The last USER of a stage, following FROM <alias> to the stage it is built on. */
export function effectiveUser(ctx: BuildContext, stageIndex: number): Instruction | undefined {
  const seen = new Set<number>();
  let s: Stage | undefined = ctx.df.stages[stageIndex];
  while (s && !seen.has(s.index)) {
    seen.add(s.index);
    const users = s.instructions.filter((i) => i.keyword === 'USER');
    if (users.length) return users[users.length - 1];
    s = s.parent !== undefined ? ctx.df.stages[s.parent] : undefined;
  }
  return undefined;
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-004',
    title: 'Final stage runs as root',
    severity: 'high',
    rationale: 'A process running as root inside the container is root on the host the moment it escapes (kernel bug, mounted socket, privileged flag). Only the last USER of the final stage decides who the container runs as.',
    remediation: 'Create an unprivileged user and end the final stage with `USER <name or uid>` (e.g. `USER 10001`).',
    references: ['DL3002', 'DS002', 'AVD-DS-0002', 'CIS-4.1'],
    helpUri: HADOLINT('DL3002'),
    tags: ['user', 'privilege'],
    stage: 'build',
  },
  (ctx) => {
    const last = finalStage(ctx.df);
    if (!last) return [];
    const user = effectiveUser(ctx, last.index);
    const hits: Hit[] = [];
    if (user) {
      if (!user.unresolved && user.expanded.trim() === '') hits.push({ inst: user, message: "the final stage's last USER names no user: Docker refuses it, and it switches to no one (root stays)", key: 'empty' });
      else if (!user.unresolved && isRootUser(user.expanded)) hits.push({ inst: user, message: `the final stage's last USER is '${user.expanded.trim()}' (root)`, key: 'root' });
    } else if (!last.implicit) {
      // (a fragment without FROM: its base image, which may set USER, is unknown)
      hits.push({ inst: last.from, message: 'the final stage sets no USER: the container runs as root unless the base image sets one', key: 'no-user', severity: 'medium', upstream: ['DS002'] });
    }
    return hits;
  },
);
