import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-011',
  title: 'npm token in image',
  severity: 'critical',
  rationale: 'An npm token (npm_..., or _authToken in .npmrc) can publish packages as its owner: a supply-chain risk.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
