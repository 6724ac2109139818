import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-002',
  title: 'Encrypted private key in image',
  severity: 'medium',
  rationale: 'A passphrase-protected private key is stored in a layer; it can be brute-forced offline.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
