import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-020',
  title: 'Secret in image configuration (ENV, LABEL or build argument)',
  severity: 'high',
  rationale: 'Environment variables, labels and build arguments used by RUN are stored in the image config and history, visible to anyone with `docker inspect` or `docker history` on the image.',
  references: ['DS031', 'AVD-DS-0031'],
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
