import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';
import { humanBytes } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-017',
  title: 'Package manager cache left in image',
  severity: 'low',
  stage: 'image',
  rationale:
    'Package indexes and download caches (apt lists, apk cache, pip and npm caches) are useless at run time: they ' +
    'waste space and pull time and describe the build environment.',
  remediation:
    'Clean in the same RUN that installs: `apt-get install ... && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, ' +
    '`pip install --no-cache-dir`, `npm ci && npm cache clean --force` (or a BuildKit cache mount).',
  references: ['DKL-DG-0005', 'DKL-DG-0004', 'DL3009', 'DL3019', 'DL3042'],
  tags: ['files', 'efficiency'],
};

export const CACHES: Array<{ name: string; re: RegExp; fix: string }> = [
  { name: 'apt package lists', re: /^var\/lib\/apt\/lists\/(?!lock$|partial$|auxfiles$)[^/]+$/, fix: 'rm -rf /var/lib/apt/lists/*' },
  { name: 'apt package archives', re: /^var\/cache\/apt\/(?:archives\/[^/]+\.deb|[^/]+\.bin)$/, fix: 'apt-get clean' },
  { name: 'apk cache', re: /^(?:var\/cache\/apk|etc\/apk\/cache)\/[^/]+$/, fix: 'apk add --no-cache' },
  { name: 'pip cache', re: /^(?:root|home\/[^/]+)\/\.cache\/pip\//, fix: 'pip install --no-cache-dir' },
  { name: 'npm cache', re: /^(?:root|home\/[^/]+)\/\.npm\/_cacache\//, fix: 'npm cache clean --force' },
  { name: 'yarn cache', re: /^(?:(?:root|home\/[^/]+)\/\.cache\/yarn|usr\/local\/share\/\.cache\/yarn)\//, fix: 'yarn cache clean' },
];

/**
 * Where every pattern above starts: a test per path instead of six regular expressions. By its first letter, so that
 * a path makes one prefix comparison at most (most paths are under usr/, which only the last prefix can match).
 */
export function underCacheRoot(path: string): boolean {
  switch (path.charCodeAt(0)) {
    case 118: // v
      return path.startsWith('var/');
    case 114: // r
      return path.startsWith('root/');
    case 104: // h
      return path.startsWith('home/');
    case 101: // e
      return path.startsWith('etc/apk/');
    case 117: // u
      return path.startsWith('usr/local/share/.cache/');
    default:
      return false;
  }
}

function check(ctx: ImageCheckContext): Finding[] {
  const acc = new Map<string, { files: number; bytes: number; layers: Set<number>; sample: string; fix: string }>();
  const { paths, files } = ctx.finalEntries();
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const f = files[k]!;
    if (f.meta.type !== 'file' || !underCacheRoot(path)) continue;
    const c = CACHES.find((x) => x.re.test(path));
    if (!c) continue;
    let e = acc.get(c.name);
    if (!e) acc.set(c.name, (e = { files: 0, bytes: 0, layers: new Set(), sample: path, fix: c.fix }));
    e.files++;
    e.bytes += f.meta.size;
    e.layers.add(f.layerIndex);
  }
  const out: Finding[] = [];
  for (const [name, e] of acc) {
    if (e.bytes === 0) continue;
    const layer = Math.min(...e.layers);
    out.push(
      ctx.finding(meta, {
        layerIndex: layer,
        path: e.sample.split('/').slice(0, -1).join('/'),
        key: name,
        message: `${name}: ${e.files} files, ${humanBytes(e.bytes)} wasted (layers ${[...e.layers].sort((a, b) => a - b).join(', ')})`,
        remediation: { text: `Clean it in the same RUN that fills it: \`${e.fix}\`.` },
        evidence: { cache: name, files: e.files, wastedBytes: e.bytes, layers: [...e.layers].sort((a, b) => a - b) },
      }),
    );
  }
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
