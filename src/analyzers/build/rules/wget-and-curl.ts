import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { effective } from '../../../dockerfile/shell/command.js';
import { HADOLINT, runs } from './util.js';

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-013',
    title: 'Both wget and curl used',
    severity: 'low',
    rationale: 'Two download tools in one image is one more package to patch for the same job.',
    remediation: 'Pick one of wget or curl for the whole stage.',
    references: ['DL4001', 'DS014', 'AVD-DS-0014'],
    helpUri: HADOLINT('DL4001'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    const used = new Map<number, Set<string>>();
    for (const inst of runs(ctx)) {
      const set = used.get(inst.stage) ?? new Set<string>();
      used.set(inst.stage, set);
      const had = set.size;
      for (const c of ctx.commands(inst)) {
        const n = effective(c).name;
        if (n === 'wget' || n === 'curl') set.add(n);
      }
      if (set.size === 2 && had < 2) hits.push({ inst, message: 'this stage uses both wget and curl; use one of them' });
    }
    return hits;
  },
);
