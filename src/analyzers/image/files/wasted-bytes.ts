import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';
import { humanBytes } from '../context.js';
import { originOfLayer } from '../attribution.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-019',
  title: 'Wasted bytes: files added in one layer and removed or overwritten later',
  severity: 'info',
  stage: 'image',
  rationale:
    'A file deleted or replaced by a later layer still ships in the earlier one: every pull downloads it and anyone can ' +
    'extract it. Cleaning up in a separate RUN saves nothing.',
  remediation: 'Remove temporary files in the same RUN that creates them, or build in a separate stage and COPY only the result.',
  references: [],
  tags: ['efficiency'],
};

function check(ctx: ImageCheckContext): Finding[] {
  let total = 0;
  const byPath = new Map<string, { bytes: number; layers: Set<number>; hiddenBy: Set<number> }>();
  for (const h of ctx.scan.hidden) {
    if (h.meta.type !== 'file' || h.meta.size === 0) continue;
    total += h.meta.size;
    let e = byPath.get(h.meta.path);
    if (!e) byPath.set(h.meta.path, (e = { bytes: 0, layers: new Set(), hiddenBy: new Set() }));
    e.bytes += h.meta.size;
    e.layers.add(h.layerIndex);
    e.hiddenBy.add(h.hiddenBy);
  }
  if (total === 0 || total < ctx.settings.wastedBytesMin) return [];
  const top = [...byPath.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, ctx.settings.wastedTop);
  const layers = new Set<number>();
  for (const h of ctx.scan.hidden) layers.add(h.layerIndex);
  const totalSize = ctx.scan.layers.reduce((s, l) => s + (l.uncompressedSize || 0), 0);
  const topLayer = top[0] ? Math.min(...top[0][1].layers) : undefined;
  // the waste is made by the layer that removes or overwrites: "added by you" when that layer is the app's
  const remover = top[0] ? Math.max(...top[0][1].hiddenBy) : undefined;
  return [
    ctx.finding(meta, {
      layerIndex: topLayer,
      origin: remover !== undefined ? originOfLayer(ctx.att, remover) : undefined,
      key: 'wasted',
      severity: totalSize > 0 && total / totalSize > 0.2 ? 'low' : 'info',
      message:
        `${humanBytes(total)} in ${byPath.size} files are added and later removed or overwritten` +
        (totalSize ? ` (${((100 * total) / totalSize).toFixed(1)}% of ${humanBytes(totalSize)})` : '') +
        `; top: ${top.slice(0, 3).map(([p, e]) => `/${p} ${humanBytes(e.bytes)}`).join(', ')}`,
      evidence: {
        wastedBytes: total,
        files: byPath.size,
        top: top.map(([p, e]) => ({ path: p, bytes: e.bytes, addedIn: [...e.layers].sort((a, b) => a - b), removedIn: [...e.hiddenBy].sort((a, b) => a - b) })),
      },
    }),
  ];
}

export default defineRule<ImageCheckContext>(meta, check);
