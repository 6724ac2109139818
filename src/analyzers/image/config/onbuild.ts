import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-007',
  title: 'ONBUILD triggers in image',
  severity: 'low',
  stage: 'image',
  rationale: 'ONBUILD instructions run in the build of every image that uses this one as a base, out of sight of that Dockerfile\'s author and reviewers.',
  remediation: 'Remove ONBUILD instructions; make derived images state their steps explicitly.',
  references: [],
  tags: ['config'],
};

function check(ctx: ImageCheckContext): Finding[] {
  const triggers = ctx.scan.image.config.config?.OnBuild ?? [];
  if (!triggers || triggers.length === 0) return [];
  const hi = ctx.historyIndexOf(/\bONBUILD\b/);
  return [ctx.finding(meta, { field: 'config.OnBuild', key: triggers.join('\n'), historyIndex: hi, origin: hi === undefined ? 'app' : undefined, message: `${triggers.length} ONBUILD trigger(s): ${triggers.slice(0, 3).join(' | ')}`, evidence: { triggers } })];
}

export default defineRule<ImageCheckContext>(meta, check);
