/**
 * The pipeline stage's rules: checks over the whole project at once (PipelineModel), one file each in ./rules,
 * plus one line here. They run after every other stage of `scan DIR`.
 */
import type { Finding } from '../../core/finding.js';
import { formatLocation } from '../../core/finding.js';
import { ruleSet, type Rule } from '../../core/rule.js';
import type { PipelineModel } from './model.js';
import { ROOT_RULES, workloadLinks } from './correlate.js';
import secretInProject from './rules/secret-in-project.js';
import secretCopiedIntoImage from './rules/secret-copied-into-image.js';
import exposedVulnerability from './rules/exposed-vulnerability.js';
import rootAcrossStages from './rules/root-across-stages.js';

export type PipelineRule = Rule<PipelineModel>;

export const pipelineRuleSet: PipelineRule[] = ruleSet<PipelineRule>([secretInProject, secretCopiedIntoImage, exposedVulnerability, rootAcrossStages]);

export const pipelineRules = pipelineRuleSet.map((r) => r.meta);

/**
 * Run every pipeline rule; a finding that stands for others (evidence.replaces: "one problem, one entry") removes
 * them from the stage findings. Returns the findings of the whole scan.
 */
export function checkPipeline(model: PipelineModel): Finding[] {
  foldCopiedLockfiles(model);
  // a service that sets no user runs as the image's USER: when the project's Dockerfile that builds it sets a
  // non-root one, the runtime stage's "runs as root" (which could not see the image) does not hold
  for (const l of workloadLinks(model)) {
    if (l.imageRunsAsRoot !== false || l.workload.spec.user !== undefined) continue;
    for (const f of l.root) {
      if (f.ruleId !== ROOT_RULES.runtime || f.suppressed || f.evidence?.from !== 'default') continue;
      f.suppressed = { kind: 'config', reason: `the image is built by ${l.workload.dockerfile}, whose final stage sets a non-root USER` };
    }
  }
  const added = pipelineRuleSet.flatMap((r) => r.check(model));
  const replaced = new Set<string>();
  for (const f of added) for (const fp of (f.evidence?.replaces as string[] | undefined) ?? []) replaced.add(fp);
  return [...model.findings.filter((f) => !replaced.has(f.fingerprint)), ...added];
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * One problem, one entry: a lock file the Dockerfile copies into the image is read twice, from the project and
 * from the scanned image; the image's copy of each vulnerability is folded into the lock file's finding (its
 * image location kept in evidence.alsoIn). Runs before any link is computed.
 */
export function foldCopiedLockfiles(model: PipelineModel): void {
  const drop = new Set<Finding>();
  for (const w of model.workloads) {
    if (!w.dockerfile || !w.imageName) continue;
    const copied = new Set<string>();
    for (const c of model.copies) if (c.dockerfile === w.dockerfile && c.shipped && (w.context === undefined || c.context === w.context)) c.lockfiles.forEach((l) => copied.add(l));
    if (!copied.size) continue;
    const key = (f: Finding, base: string) => `${base}|${f.vulnerability!.id}|${f.vulnerability!.package.name}|${f.vulnerability!.package.version}`;
    const fromProject = new Map<string, Finding>();
    for (const f of model.findings) if (f.vulnerability && f.location.kind === 'file' && copied.has(f.location.file)) fromProject.set(key(f, baseName(f.location.file)), f);
    for (const f of model.findings) {
      if (!f.vulnerability || f.location.kind !== 'image' || f.location.image !== w.imageName || !f.location.path) continue;
      const twin = fromProject.get(key(f, baseName(f.location.path)));
      if (!twin) continue;
      drop.add(f);
      const also = (twin.evidence?.alsoIn as string[] | undefined) ?? [];
      // several workloads (two services, a live container) can run the same image: one location once
      const loc = formatLocation(f.location);
      if (!also.includes(loc)) also.push(loc);
      twin.evidence = { ...twin.evidence, alsoIn: also };
    }
  }
  if (drop.size) model.findings = model.findings.filter((f) => !drop.has(f));
}
