import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
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
    return ctx.df.stages
      .filter((s) => s.parent === undefined && !s.image.scratch && !s.image.unresolved)
      .filter((s) => !allowed(s.image.registry ?? 'docker.io', list))
      .map((s) => ({ inst: s.from, message: `FROM ${s.image.value}: registry ${s.image.registry ?? 'docker.io'} is not in build.allowedRegistries`, key: s.image.value }));
  },
);
