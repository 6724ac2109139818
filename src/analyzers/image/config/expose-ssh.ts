import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-003',
  title: 'Image exposes port 22 (SSH)',
  severity: 'medium',
  stage: 'image',
  rationale: 'A container should not run an SSH server: it adds keys to manage and a network login path; use `docker exec` for access.',
  remediation: 'Remove `EXPOSE 22` and the SSH server; use `docker exec` (or kubectl exec) to get a shell.',
  references: ['CIS-5.6', 'DS004', 'AVD-DS-0004'],
  tags: ['config'],
};

function check(ctx: ImageCheckContext): Finding[] {
  const ports = Object.keys(ctx.scan.image.config.config?.ExposedPorts ?? {});
  const ssh = ports.filter((p) => /^22(?:\/tcp)?$/.test(p));
  if (ssh.length === 0) return [];
  const hi = ctx.historyIndexOf(/\bEXPOSE\b.*\b22\b/);
  return [ctx.finding(meta, { field: 'config.ExposedPorts', key: 'expose22', historyIndex: hi, origin: hi === undefined ? 'app' : undefined, message: `the image exposes ${ssh.join(', ')}`, evidence: { ports } })];
}

export default defineRule<ImageCheckContext>(meta, check);
