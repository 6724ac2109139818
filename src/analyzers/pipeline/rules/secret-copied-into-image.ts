import { defineRule, makeFinding, type RuleMeta } from '../../../core/rule.js';
import type { PipelineModel } from '../model.js';

const meta: RuleMeta = {
  id: 'BW-PIPELINE-002',
  title: 'Secret-bearing file will be baked into the image',
  severity: 'critical',
  stage: 'build',
  rationale:
    'A file holding a credential is in the build context (.dockerignore does not exclude it) and a COPY/ADD of a ' +
    'shipped stage takes it: the credential lands in an image layer, readable by anyone who can pull the image, even ' +
    'if a later step deletes it. A .gitignored file (.env, keys) is no protection: the Docker client does not read .gitignore.',
  remediation:
    'Add the file to .dockerignore (or copy only what the image needs instead of COPY . .), pass the credential at build ' +
    'time with a BuildKit secret mount (RUN --mount=type=secret) or at run time, and rotate it if an image was pushed.',
  references: ['CIS-4.10', 'CWE-538'],
  tags: ['secret'],
};

export default defineRule<PipelineModel>(meta, (m) =>
  m.copies
    .filter((c) => c.shipped)
    .flatMap((c) =>
      c.secrets.map((s) =>
        makeFinding(meta, {
          severity: s.severity === 'critical' || s.severity === 'high' ? 'critical' : s.severity,
          message:
            `${s.file} holds a ${s.kind} (line ${s.line}, ${s.redacted}); it is in the build context${c.context ? ` ${c.context}/` : ''}` +
            `${c.dockerignore ? ` (not excluded by ${c.dockerignore})` : ' (no .dockerignore)'} and ${c.text} ` +
            `at ${c.dockerfile}:${c.line} bakes it into the image`,
          location: { kind: 'file', file: c.dockerfile, line: c.line, column: c.column, endLine: c.endLine },
          key: `${s.file}|${s.rule}|${s.digest}`,
          evidence: { file: s.file, kind: s.kind, secretRule: s.catalogueId, redacted: s.redacted, context: c.context || '.', dockerignore: c.dockerignore },
        }),
      ),
    ),
);
