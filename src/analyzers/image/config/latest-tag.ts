import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-004',
  title: 'Image tagged latest or untagged',
  severity: 'low',
  stage: 'image',
  rationale: '`latest` (or no tag, which means latest) moves: two deployments of "the same" image can run different code, and rollbacks are guesswork.',
  remediation: 'Tag images with a version (and deploy by digest): `docker build -t app:1.4.2 .`.',
  references: ['DKL-DG-0006', 'DL3007'],
  tags: ['config'],
};

/** the tag of a reference, '' when it has none (a ':' after the last '/' starts the tag; '@' digests have none) */
export function tagOf(ref: string): string | undefined {
  const r = ref.replace(/^docker:/, '');
  if (r.includes('@')) return undefined;
  const slash = r.lastIndexOf('/');
  const colon = r.lastIndexOf(':');
  return colon > slash ? r.slice(colon + 1) : '';
}

function check(ctx: ImageCheckContext): Finding[] {
  const img = ctx.scan.image;
  const names = img.repoTags.length ? img.repoTags : img.kind === 'docker-daemon' || img.ref.startsWith('docker:') ? [img.ref.replace(/^docker:/, '')] : [];
  const bad = names.filter((n) => {
    const t = tagOf(n);
    return t === '' || t === 'latest';
  });
  if (bad.length === 0) return [];
  return [ctx.finding(meta, { field: 'repoTags', key: 'latest', origin: 'app', message: `image reference ${bad.join(', ')} uses the latest tag (explicitly or by omission)`, evidence: { tags: names } })];
}

export default defineRule<ImageCheckContext>(meta, check);
