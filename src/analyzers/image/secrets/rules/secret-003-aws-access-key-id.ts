import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-003',
  title: 'AWS access key ID in image',
  severity: 'high',
  rationale: 'An AWS access key ID is stored in the image; together with its secret it grants AWS API access.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
