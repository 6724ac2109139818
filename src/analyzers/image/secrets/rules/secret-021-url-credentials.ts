import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-021',
  title: 'Password in a connection URL',
  severity: 'high',
  rationale: 'A database, broker or proxy URL with user:password@ (DATABASE_URL=postgres://app:...@db/app) is stored in the image: whoever pulls it can connect as that user.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
