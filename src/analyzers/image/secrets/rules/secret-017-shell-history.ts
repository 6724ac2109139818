import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-017',
  title: 'Shell history in image',
  severity: 'medium',
  rationale: 'A shell or client history file records commands run while building, often with inline credentials.',
  references: ['DKL-LI-0003'],
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
