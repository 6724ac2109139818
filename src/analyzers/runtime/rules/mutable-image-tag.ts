import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-033',
  title: "Image without a version: ':latest' or no tag",
  severity: 'low',
  stage: 'runtime',
  rationale:
    "':latest' (or no tag, which means latest) names whatever was pushed last: two hosts, or one host before and after a pull, run different code, and a rollback has nothing to go back to. A digest (`@sha256:...`) or a version tag pins what runs.",
  remediation: 'Use a version tag, better a digest: image: nginx:1.27.2@sha256:...',
  references: ['KSV013', 'AVD-KSV-0013', 'CIS-5.27'],
  tags: ['supply-chain'],
};

/** A digest pins the image; otherwise the tag (after the last '/', so a registry port is not a tag) must be set and not 'latest'. */
export function imageTag(image: string): { pinned: boolean; tag?: string } {
  if (image.includes('@')) return { pinned: true };
  const last = image.slice(image.lastIndexOf('/') + 1);
  const c = last.lastIndexOf(':');
  const tag = c >= 0 ? last.slice(c + 1) : undefined;
  return { pinned: tag !== undefined && tag !== '' && tag !== 'latest', tag };
}

export default defineRule<ContainerSpec>(meta, (spec) => {
  const image = spec.image;
  if (!image || /^sha256:[0-9a-f]{64}$/.test(image) || /\$\{?/.test(image)) return [];
  const t = imageTag(image);
  if (t.pinned) return [];
  const pull = spec.pullPolicy === 'always' ? '' : ' (and nodes that already hold an older :latest keep running it)';
  return [
    hit(meta, spec, {
      fields: ['image', ''],
      key: `image:${image}`,
      message: `${who(spec)} runs ${image}: ${t.tag === 'latest' ? "the ':latest' tag" : 'no tag (latest)'}, not a fixed version${spec.frontEnd === 'k8s' ? pull : ''}`,
      evidence: { image, ...(spec.pullPolicy ? { pullPolicy: spec.pullPolicy } : {}) },
    }),
  ];
});
