import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

const meta: RuleMeta = {
  id: 'BW-RUNTIME-041',
  title: 'Container runs an older image than its tag names',
  severity: 'low',
  stage: 'runtime',
  rationale:
    'The image reference the container was created from now names another (newer) image: the fixes pulled or built since do not reach this container until it is recreated.',
  remediation: 'Recreate the container from the current image (docker compose up -d, or docker rm and docker run again); pin images by digest to make the version explicit.',
  references: ['CIS-5.28'],
  tags: ['image'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (!spec.imageId || !spec.imageRefId || spec.imageId === spec.imageRefId) return [];
  return [
    hit(meta, spec, {
      fields: ['image'],
      key: 'image-outdated',
      message: `${who(spec)} runs image ${short(spec.imageId)}, but '${spec.image ?? ''}' now names ${short(spec.imageRefId)}`,
      evidence: { image: spec.image, running: spec.imageId, current: spec.imageRefId },
    }),
  ];
});
