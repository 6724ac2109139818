import { defineRule, makeFinding, type RuleMeta } from '../../../core/rule.js';
import type { PipelineModel } from '../model.js';

const meta: RuleMeta = {
  id: 'BW-PIPELINE-001',
  title: 'Secret in a project file',
  severity: 'high',
  stage: 'build',
  rationale:
    'A credential is stored in a file of the repository (the file is not .gitignored): everyone with read access to the ' +
    'repository, its forks and its CI logs can use it, and it stays in the history after it is deleted.',
  remediation:
    'Revoke and rotate the credential, remove it from the file and the history, and read it at run time from a secret ' +
    'store or an environment the repository does not hold.',
  references: ['CWE-798'],
  tags: ['secret'],
};

export default defineRule<PipelineModel>(meta, (m) =>
  m.secrets.map((s) =>
    makeFinding(meta, {
      title: `${meta.title}: ${s.kind}`,
      severity: s.severity,
      message: `${s.kind} in ${s.file}:${s.line} (${s.redacted})`,
      location: { kind: 'file', file: s.file, line: s.line, column: 1 },
      key: `${s.rule}|${s.digest}`,
      evidence: { kind: s.kind, rule: s.rule, secretRule: s.catalogueId, redacted: s.redacted },
    }),
  ),
);
