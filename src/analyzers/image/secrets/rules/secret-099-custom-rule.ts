import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-099',
  title: 'Secret matched by a custom rule',
  severity: 'high',
  rationale: 'A rule from the `secrets.rules` section of .bulwark.yaml matched.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
