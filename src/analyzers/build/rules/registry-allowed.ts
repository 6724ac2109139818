import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { parseImageRef } from '../../../dockerfile/parse.js';
import { HADOLINT } from './util.js';

function allowed(registry: string, list: string[]): boolean {
  return list.some((p) => {
    if (p === '*') return true;
    if (p.startsWith('*.')) return registry.endsWith(p.slice(1));
    return p.toLowerCase() === registry.toLowerCase();
  });
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-061',
    title: 'Base image from a registry that is not allowed',
    severity: 'medium',
    rationale: 'build.allowedRegistries in .bulwark.yaml lists the registries images may come from; others bypass your mirror and review.',
    remediation: 'Use an image from an allowed registry (or extend the list).',
    references: ['DL3026'],
    helpUri: HADOLINT('DL3026'),
    tags: ['config', 'supply-chain'],
    stage: 'build',
  },
  (ctx) => {
    const list = ctx.settings.allowedRegistries;
    if (!list.length) return [];
    const hits: Hit[] = ctx.df.stages
      .filter((s) => s.parent === undefined && !s.implicit && !s.image.scratch && !s.image.unresolved)
      .filter((s) => !allowed(s.image.registry ?? 'docker.io', list))
      .map((s) => ({ inst: s.from, message: `FROM ${s.image.value}: registry ${s.image.registry ?? 'docker.io'} is not in build.allowedRegistries`, key: s.image.value }));
    // images pulled by COPY --from=IMAGE and RUN --mount=...,from=IMAGE (not stage names or numbers)
    const stageNames = new Set(ctx.df.stages.flatMap((s) => (s.alias ? [s.alias] : [])));
    for (const inst of [...ctx.all('COPY'), ...ctx.all('ADD'), ...ctx.all('RUN')]) {
      for (const f of inst.flags) {
        const ref = f.name === 'from' ? f.value : f.name === 'mount' ? /(?:^|,)from=([^,]+)/.exec(f.value ?? '')?.[1] : undefined;
        if (!ref || ref.includes('$') || /^\d+$/.test(ref) || stageNames.has(ref.toLowerCase())) continue;
        const image = parseImageRef(ref, ref, false);
        if (image.scratch || allowed(image.registry ?? 'docker.io', list)) continue;
        hits.push({ inst, message: `${inst.keyword} --${f.name === 'from' ? 'from' : 'mount from'}=${ref}: registry ${image.registry ?? 'docker.io'} is not in build.allowedRegistries`, key: ref });
      }
    }
    return hits;
  },
);
