import { defineRule, type RuleMeta } from '../../../core/rule.js';
import { checkAllowedImage, describeAllowed } from '../../../registry/allowed.js';
import { hit, who } from '../../runtime/types.js';
import type { ContainerImageInput } from '../rule.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-033',
  title: 'Image from a registry that is not allowed',
  severity: 'medium',
  stage: 'registry',
  rationale:
    'allowedRegistries (in .bulwark.yaml, or --allowed-registries) lists where images may come from: your own registry, a reviewed mirror, a vendor you trust. An image from anywhere else has bypassed that review, the mirror\'s scanning and its retention, and whoever controls that registry controls what the container runs.',
  remediation: 'Pull the image through an allowed registry (push or mirror it there and reference it by that name), or add its registry to allowedRegistries if it is meant to be trusted.',
  references: ['CIS-4.2', 'DL3026'],
  tags: ['supply-chain', 'policy'],
};

export default defineRule<ContainerImageInput>(meta, ({ spec, allowedRegistries }) => {
  const image = spec.image?.trim();
  if (!allowedRegistries?.length || !image) return [];
  // a compose service with `build:` runs the image it builds; its Dockerfile's FROM is what is pulled (BW-BUILD-061)
  if (spec.built) return [];
  // a live container started from an image ID: the engine no longer says which name it was pulled as
  if (spec.frontEnd === 'container' && /^[a-f0-9]{12,64}$/.test(image)) return [];
  const verdict = checkAllowedImage(image, allowedRegistries);
  if (!verdict || verdict.allowed) return [];
  const { registry, repository } = verdict.origin;
  return [
    hit(meta, spec, {
      fields: ['image'],
      key: `image|${registry}/${repository}`,
      message: `${who(spec)} runs image '${image}' from ${registry}${image.startsWith(registry) ? '' : ` (${registry}/${repository})`}, which allowedRegistries does not allow (allowed: ${describeAllowed(allowedRegistries)})`,
      evidence: { image, registry, repository, allowed: allowedRegistries.map((a) => a.entry) },
    }),
  ];
});
