import type { Finding } from '../../../core/finding.js';
import { formatLocation } from '../../../core/finding.js';
import { defineRule, makeFinding, type RuleMeta } from '../../../core/rule.js';
import type { PipelineModel } from '../model.js';
import { workloadLinks, worst } from '../correlate.js';

const meta: RuleMeta = {
  id: 'BW-PIPELINE-011',
  title: 'Runs as root (one cause, seen in several stages)',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'The same workload is reported as running as root by more than one stage: its Dockerfile sets no non-root USER, ' +
    'its image config names root, its compose service sets no user. It is one problem with one fix, reported once ' +
    'with every place it shows (the separate stage findings are folded into this one).',
  remediation:
    'Add `USER <non-root>` at the end of the Dockerfile (the image then runs as that user everywhere), or set `user:` on the service.',
  references: ['CIS-4.1', 'CIS-5.x'],
};

/** evidence.replaces lists the fingerprints of the stage findings this one stands for (the scan drops them). */
export default defineRule<PipelineModel>(meta, (m) => {
  const out: Finding[] = [];
  for (const l of workloadLinks(m)) {
    const root = l.root.filter((f) => !f.suppressed);
    const stages = new Set(root.map((f) => f.stage));
    if (stages.size < 2) continue;
    const locations = root.map((f) => formatLocation(f.location));
    out.push(
      makeFinding(meta, {
        severity: worst(root),
        message: `${l.workload.label} runs as root: ${root.map((f) => `${f.stage} ${formatLocation(f.location)} (${f.ruleId})`).join('; ')}`,
        location: root.find((f) => f.stage === 'build')?.location ?? root[0]!.location,
        key: l.workload.label,
        evidence: { workload: l.workload.label, locations, replaces: root.map((f) => f.fingerprint), rules: root.map((f) => f.ruleId) },
      }),
    );
  }
  return out;
});
