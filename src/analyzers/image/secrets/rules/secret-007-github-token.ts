import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-007',
  title: 'GitHub token in image',
  severity: 'critical',
  rationale: 'A GitHub token grants access to repositories and APIs as its owner.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
