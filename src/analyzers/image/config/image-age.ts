import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-005',
  title: 'Image is old',
  severity: 'low',
  stage: 'image',
  rationale: 'An image built long ago carries every vulnerability fixed since; images should be rebuilt regularly to pick up patches (CIS 4.4).',
  remediation: 'Rebuild the image (with --pull) on a schedule; set `imageChecks.maxAgeDays` in .bulwark.yaml to your policy.',
  references: ['CIS-4.4', 'CIS-DI-0004'],
  tags: ['config'],
};

function check(ctx: ImageCheckContext): Finding[] {
  const created = ctx.scan.image.config.created;
  if (!created) return [];
  const t = Date.parse(created);
  if (Number.isNaN(t)) return [];
  const days = Math.floor((ctx.now.getTime() - t) / 86_400_000);
  if (days <= ctx.settings.maxAgeDays) return [];
  return [ctx.finding(meta, { field: 'created', key: 'age', origin: 'app', message: `the image was created ${days} days ago (${created.slice(0, 10)}), more than ${ctx.settings.maxAgeDays}`, evidence: { created, days, maxAgeDays: ctx.settings.maxAgeDays } })];
}

export default defineRule<ImageCheckContext>(meta, check);
