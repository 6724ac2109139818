/** Labels of the final image (LABEL in shipped stages; later ones win). */
import type { BuildContext } from '../context.js';
import type { Instruction } from '../../../dockerfile/model.js';
import { shippedStages } from '../../../dockerfile/model.js';

export function finalLabels(ctx: BuildContext): Map<string, { value: string; inst: Instruction }> {
  const shipped = shippedStages(ctx.df);
  const out = new Map<string, { value: string; inst: Instruction }>();
  for (const inst of ctx.all('LABEL')) {
    if (!shipped.has(inst.stage)) continue;
    for (const p of inst.properties) out.set(p.name, { value: p.value ?? '', inst });
  }
  return out;
}
