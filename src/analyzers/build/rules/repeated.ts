import type { BuildContext, Hit } from '../context.js';

/** Every occurrence after the first of `keyword` within one stage. */
export function repeatedInStage(ctx: BuildContext, keyword: string): Hit[] {
  const seen = new Map<number, number>();
  const hits: Hit[] = [];
  for (const i of ctx.all(keyword)) {
    if (i.stage < 0) continue;
    const n = (seen.get(i.stage) ?? 0) + 1;
    seen.set(i.stage, n);
    if (n > 1) hits.push({ inst: i, message: `${keyword} #${n} in stage ${i.stage + 1}: only the last one takes effect`, key: String(n) });
  }
  return hits;
}
