import { defineRule, type RuleMeta } from '../../../core/rule.js';
import { signatureFinding, type SignatureInput } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-021',
  title: 'Image signature does not verify',
  severity: 'high',
  stage: 'registry',
  rationale: 'A signature that fails with your key was made with another key or over a payload that was altered afterwards; either way the image cannot be trusted as yours.',
  remediation: 'Check which key signed the image; re-sign it with the release key if it is genuine, otherwise treat the image as tampered with.',
  references: ['CIS-4.2', 'CWE-347'],
  tags: ['signature', 'supply-chain'],
};

export default defineRule<SignatureInput>(meta, ({ verdict: v }) => {
  if (v.status !== 'invalid') return [];
  return [signatureFinding(meta, v, { key: 'invalid', message: v.message })];
});
