/**
 * The pipeline stage's rules: checks over the whole project at once (PipelineModel), one file each in ./rules,
 * plus one line here. They run after every other stage of `scan DIR`.
 */
import type { Finding } from '../../core/finding.js';
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
