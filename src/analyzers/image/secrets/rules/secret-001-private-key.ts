import { defineRule } from '../../../../core/rule.js';
import type { ImageCheckContext } from '../../context.js';
import { secretFindings } from '../check.js';
import { secretMeta } from '../meta.js';

const meta = secretMeta({
  id: 'BW-SECRET-001',
  title: 'Private key in image',
  severity: 'critical',
  rationale: 'A PEM private key (RSA, EC, DSA, OpenSSH, PKCS#8 or PGP) is stored in a layer.',
});

export default defineRule<ImageCheckContext>(meta, (ctx) => secretFindings(ctx, meta));
