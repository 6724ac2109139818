import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';
import { humanBytes } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-016',
  title: '.git directory in image',
  severity: 'medium',
  stage: 'image',
  rationale:
    'A .git directory carries the whole repository history: deleted files, old credentials committed once, ' +
    'remote URLs with tokens in .git/config. It is usually copied by accident with `COPY . .`.',
  remediation: 'Add `.git` to .dockerignore, or copy only what the app needs.',
  references: ['DKL-LI-0003'],
  tags: ['files'],
};

function check(ctx: ImageCheckContext): Finding[] {
  const repos = new Map<string, { layers: Set<number>; files: number; bytes: number }>();
  const { paths, files } = ctx.finalEntries();
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const f = files[k]!;
    // the regex needs '.git' in the path: 150,000 paths of an application image skip it for a substring test
    if (!path.includes('.git')) continue;
    const m = /^(.*?(?:^|\/)\.git)(?:\/|$)/.exec(path);
    if (!m) continue;
    const root = m[1];
    let e = repos.get(root);
    if (!e) repos.set(root, (e = { layers: new Set(), files: 0, bytes: 0 }));
    e.layers.add(f.layerIndex);
    if (f.meta.type === 'file') {
      e.files++;
      e.bytes += f.meta.size;
    }
  }
  const out: Finding[] = [];
  for (const [root, e] of repos) {
    const hasHead = ctx.scan.final.has(`${root}/HEAD`) || ctx.scan.final.has(`${root}/config`);
    if (!hasHead && e.files === 0) continue;
    const layer = Math.min(...e.layers);
    out.push(
      ctx.finding(meta, {
        layerIndex: layer,
        path: root,
        key: root,
        message: `git repository /${root} (${e.files} file(s), ${humanBytes(e.bytes)}) in layer ${layer}`,
        evidence: { files: e.files, bytes: e.bytes, layers: [...e.layers].sort((a, b) => a - b) },
      }),
    );
  }
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
