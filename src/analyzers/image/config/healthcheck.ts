import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-002',
  title: 'No HEALTHCHECK in image',
  severity: 'low',
  stage: 'image',
  rationale: 'Without a HEALTHCHECK the engine and orchestrators only know whether the process runs, not whether it works; a hung service is never restarted.',
  remediation: 'Add a HEALTHCHECK instruction, e.g. `HEALTHCHECK CMD wget -qO- http://localhost:8080/health || exit 1`.',
  references: ['CIS-4.6', 'CIS-DI-0006', 'DS026', 'AVD-DS-0026'],
  tags: ['config'],
};

function check(ctx: ImageCheckContext): Finding[] {
  const hc = ctx.scan.image.config.config?.Healthcheck;
  const test = hc?.Test ?? [];
  if (test.length > 0 && test[0] !== 'NONE') return [];
  return [
    ctx.finding(meta, {
      field: 'config.Healthcheck',
      key: 'healthcheck',
      origin: 'app',
      message: test[0] === 'NONE' ? 'HEALTHCHECK NONE disables the health check' : 'the image defines no HEALTHCHECK',
    }),
  ];
}

export default defineRule<ImageCheckContext>(meta, check);
