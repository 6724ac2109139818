import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-008',
  title: 'GitLab token in image',
  severity: 'critical',
  rationale: 'A GitLab token grants API or runner access.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
