import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerImageInput } from '../rule.js';
import { hit, who } from '../../runtime/types.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-030',
  title: 'Image not pinned by digest',
  severity: 'low',
  stage: 'registry',
  rationale:
    'A tag is a pointer the registry (or anyone who can push) may move: the same compose file, `docker run` line or manifest deploys different content tomorrow, and a replaced image is pulled without notice. A digest names the content itself.',
  remediation: 'Reference the image as NAME:TAG@sha256:<digest> (the digest of what you tested; `docker buildx imagetools inspect` or `crane digest` prints it), and update it deliberately.',
  references: ['CIS-4.2'],
  tags: ['supply-chain', 'pinning'],
};

/** Deployment descriptions only: a live container's image was already resolved by the engine. */
const DESCRIPTIONS = new Set(['run-args', 'compose', 'k8s']);

export default defineRule<ContainerImageInput>(meta, ({ spec }) => {
  const image = spec.image?.trim();
  if (!image || !DESCRIPTIONS.has(spec.frontEnd) || image.includes('@')) return [];
  // compose interpolation left unresolved: the value is not known here
  if (image.includes('${')) return [];
  return [hit(meta, spec, { fields: ['image'], key: `image|${image}`, message: `${who(spec)} uses image '${image}' by tag, not by digest`, evidence: { image } })];
});
