import { defineRule, type RuleMeta } from '../../../core/rule.js';
import { signatureFinding, type SignatureInput } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-022',
  title: 'Image signature is for another image digest',
  severity: 'high',
  stage: 'registry',
  rationale: 'The signature is genuine but vouches for a different manifest digest than the one the tag now points to: the image was replaced after signing, or a signature was copied onto it.',
  remediation: 'Pull and deploy by the signed digest; find out why the tag moved, and re-sign only an image you built.',
  references: ['CIS-4.2', 'CWE-347'],
  tags: ['signature', 'supply-chain'],
};

export default defineRule<SignatureInput>(meta, ({ verdict: v }) => {
  if (v.status !== 'digest-mismatch') return [];
  return [signatureFinding(meta, v, { key: 'digest-mismatch', message: v.message })];
});
