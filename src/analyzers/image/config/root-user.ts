import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-001',
  title: 'Image runs as root',
  severity: 'medium',
  stage: 'image',
  rationale: 'With no USER (or USER root/0) every container of the image runs as root unless the operator overrides it; a compromise of the app is then root in the container, one kernel bug away from the host.',
  remediation: 'Create an unprivileged user and switch to it: `RUN adduser -D -u 10001 app` then `USER 10001`.',
  references: ['CIS-4.1', 'CIS-DI-0001', 'DS002', 'AVD-DS-0002'],
  tags: ['config'],
};

export function isRootUser(user: string | undefined): boolean {
  const u = (user ?? '').trim();
  if (u === '') return true;
  const name = u.split(':')[0];
  return name === 'root' || name === '0';
}

function check(ctx: ImageCheckContext): Finding[] {
  const user = ctx.scan.image.config.config?.User;
  if (!isRootUser(user)) return [];
  const hi = user ? ctx.historyIndexOf(/\bUSER\b/) : undefined;
  return [
    ctx.finding(meta, {
      field: 'config.User',
      key: 'user',
      historyIndex: hi,
      origin: hi === undefined ? 'app' : undefined,
      message: user ? `the image runs as ${JSON.stringify(user)} (root)` : 'the image sets no USER, so it runs as root',
      evidence: { user: user ?? '' },
    }),
  ];
}

export default defineRule<ImageCheckContext>(meta, check);
