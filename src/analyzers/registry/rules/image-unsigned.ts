import { defineRule, type RuleMeta } from '../../../core/rule.js';
import { signatureFinding, type SignatureInput } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-020',
  title: 'Image has no cosign signature',
  severity: 'medium',
  stage: 'registry',
  rationale: 'Without a signature, nothing ties the image in the registry to your build: a pushed replacement under the same tag looks exactly as legitimate. (High when --require-signature makes signatures mandatory.)',
  remediation: 'Sign images in CI after the push (cosign sign --key ... IMAGE@DIGEST) and verify before deploying (--key, --require-signature; a policy controller in Kubernetes).',
  references: ['CIS-4.2', 'CIS-4.5', 'CWE-347'],
  tags: ['signature', 'supply-chain'],
};

export default defineRule<SignatureInput>(meta, ({ verdict: v, required }) => {
  if (v.status !== 'unsigned') return [];
  return [signatureFinding(meta, v, { key: 'unsigned', message: v.message, ...(required ? { severity: 'high' as const } : {}) })];
});
