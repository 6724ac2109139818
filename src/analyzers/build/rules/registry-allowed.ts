import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { parseImageRef } from '../../../dockerfile/parse.js';
import { allowedBy, canonicalRegistry, imageOrigin, parseAllowedRegistries, type AllowedRegistry, type ImageOrigin } from '../../../registry/allowed.js';
import { HADOLINT } from './util.js';

/** The one matcher of the allowedRegistries policy (src/registry/allowed.ts): Docker Hub names, ports, path prefixes. */
function allowed(value: string, registry: string | undefined, name: string, list: AllowedRegistry[]): boolean {
  // a name Docker's grammar refuses is still judged by its registry part
  const origin: ImageOrigin = imageOrigin(value) ?? { registry: canonicalRegistry(registry ?? 'docker.io'), repository: name };
  return allowedBy(origin, list) !== undefined;
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-061',
    title: 'Base image from a registry that is not allowed',
    severity: 'medium',
    rationale: 'allowedRegistries in .bulwark.yaml (build.allowedRegistries for Dockerfiles only, or --allowed-registries) lists the registries images may come from; others bypass your mirror and review.',
    remediation: 'Use an image from an allowed registry (or extend the list).',
    references: ['DL3026'],
    helpUri: HADOLINT('DL3026'),
    tags: ['config', 'supply-chain'],
    stage: 'build',
  },
  (ctx) => {
    if (!ctx.settings.allowedRegistries.length) return [];
    const list = parseAllowedRegistries(ctx.settings.allowedRegistries, 'allowedRegistries');
    const hits: Hit[] = ctx.df.stages
      .filter((s) => s.parent === undefined && !s.implicit && !s.image.scratch && !s.image.unresolved)
      .filter((s) => !allowed(s.image.value, s.image.registry, s.image.name, list))
      .map((s) => ({ inst: s.from, message: `FROM ${s.image.value}: registry ${s.image.registry ?? 'docker.io'} is not in allowedRegistries`, key: s.image.value }));
    // images pulled by COPY --from=IMAGE and RUN --mount=...,from=IMAGE (not stage names or numbers)
    const stageNames = new Set(ctx.df.stages.flatMap((s) => (s.alias ? [s.alias] : [])));
    for (const inst of [...ctx.all('COPY'), ...ctx.all('ADD'), ...ctx.all('RUN')]) {
      for (const f of inst.flags) {
        const ref = f.name === 'from' ? f.value : f.name === 'mount' ? /(?:^|,)from=([^,]+)/.exec(f.value ?? '')?.[1] : undefined;
        if (!ref || ref.includes('$') || /^\d+$/.test(ref) || stageNames.has(ref.toLowerCase())) continue;
        const image = parseImageRef(ref, ref, false);
        if (image.scratch || allowed(image.value, image.registry, image.name, list)) continue;
        hits.push({ inst, message: `${inst.keyword} --${f.name === 'from' ? 'from' : 'mount from'}=${ref}: registry ${image.registry ?? 'docker.io'} is not in allowedRegistries`, key: ref });
      }
    }
    return hits;
  },
);
