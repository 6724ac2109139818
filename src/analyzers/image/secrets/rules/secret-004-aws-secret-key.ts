import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-004',
  title: 'AWS secret access key in image',
  severity: 'critical',
  rationale: 'An AWS secret access key is stored in the image.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
