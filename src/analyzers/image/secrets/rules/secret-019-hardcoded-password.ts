import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-019',
  title: 'Hard-coded password or secret',
  severity: 'high',
  rationale: 'A password/secret/token assignment with a high-entropy value is stored in a configuration file.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
