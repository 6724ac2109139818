import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-014',
  title: 'Files owned by a UID with no passwd entry',
  severity: 'low',
  stage: 'image',
  rationale:
    'Files owned by a numeric UID that the image\'s /etc/passwd does not define usually come from the build host ' +
    '(an archive extracted with its original owners). Whoever gets that UID later (a new user, a host user sharing a ' +
    'volume) owns those files.',
  remediation: 'Set ownership explicitly when copying: `COPY --chown=app:app ...`, or `RUN chown -R root:root PATH`; extract archives with --no-same-owner.',
  references: ['DKL-LI-0002'],
  tags: ['files'],
};

export function parseIds(text: string): Set<number> {
  const ids = new Set<number>();
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    if (parts.length >= 3 && /^\d+$/.test(parts[2])) ids.add(Number(parts[2]));
  }
  return ids;
}

function check(ctx: ImageCheckContext): Finding[] {
  const passwd = ctx.finalText('etc/passwd');
  if (passwd === undefined) return []; // no account database (scratch/distroless): nothing to compare with
  const uids = parseIds(passwd);
  uids.add(0);
  const byUid = new Map<number, { count: number; paths: string[]; layers: Set<number> }>();
  const { paths, files } = ctx.finalEntries();
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const f = files[k]!;
    if (uids.has(f.meta.uid)) continue;
    let e = byUid.get(f.meta.uid);
    if (!e) byUid.set(f.meta.uid, (e = { count: 0, paths: [], layers: new Set() }));
    e.count++;
    e.layers.add(f.layerIndex);
    if (e.paths.length < 10) e.paths.push('/' + path);
  }
  const out: Finding[] = [];
  for (const [uid, e] of byUid) {
    const layer = Math.min(...e.layers);
    out.push(
      ctx.finding(meta, {
        layerIndex: layer,
        path: e.paths[0].slice(1),
        key: `uid:${uid}`,
        message: `${e.count} file(s) owned by UID ${uid}, which /etc/passwd does not define (e.g. ${e.paths.slice(0, 3).join(', ')}; layers ${[...e.layers].sort((a, b) => a - b).join(', ')})`,
        evidence: { uid, count: e.count, samples: e.paths, layers: [...e.layers].sort((a, b) => a - b) },
      }),
    );
  }
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
