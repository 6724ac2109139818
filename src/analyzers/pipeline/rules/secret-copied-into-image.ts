import type { Finding, Severity } from '../../../core/finding.js';
import { formatLocation, severityRank } from '../../../core/finding.js';
import { defineRule, makeFinding, type RuleMeta } from '../../../core/rule.js';
import type { PipelineModel } from '../model.js';
import { filesCoveredBy } from '../secrets.js';

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

/** the lint-time rule that sees a well-known key file by its name in a COPY/ADD source */
const KEY_FILE_RULE = 'BW-BUILD-074';

/**
 * One problem, one entry: BW-BUILD-074 (a COPY/ADD source named like a key file, seen by the Dockerfile linter)
 * and this rule (the file's content holds a secret and the same instruction copies it) are the same root cause
 * when the 074 finding is at the same Dockerfile line and its source covers the file. The 074 finding folds into
 * this one (evidence.replaces); both locations are kept in evidence.locations.
 */
function keyFileTwins(m: PipelineModel, dockerfile: string, line: number, context: string, file: string): Finding[] {
  const ctxRel = context ? (file.startsWith(`${context}/`) ? file.slice(context.length + 1) : undefined) : file;
  if (ctxRel === undefined) return [];
  return m.findings.filter(
    (f) =>
      f.ruleId === KEY_FILE_RULE &&
      f.location.kind === 'file' &&
      f.location.file === dockerfile &&
      f.location.line === line &&
      typeof f.evidence?.source === 'string' &&
      filesCoveredBy([f.evidence.source], [ctxRel]).length > 0,
  );
}

export default defineRule<PipelineModel>(meta, (m) =>
  m.copies
    .filter((c) => c.shipped)
    .flatMap((c) =>
      c.secrets.map((s) => {
        let severity: Severity = s.severity === 'critical' || s.severity === 'high' ? 'critical' : s.severity;
        const twins = keyFileTwins(m, c.dockerfile, c.line, c.context, s.file);
        for (const t of twins) if (severityRank(t.severity) > severityRank(severity)) severity = t.severity;
        const location = { kind: 'file' as const, file: c.dockerfile, line: c.line, column: c.column, endLine: c.endLine };
        return makeFinding(meta, {
          severity,
          message:
            `${s.file} holds a ${s.kind} (line ${s.line}, ${s.redacted}); it is in the build context${c.context ? ` ${c.context}/` : ''}` +
            `${c.dockerignore ? ` (not excluded by ${c.dockerignore})` : ' (no .dockerignore)'} and ${c.text} ` +
            `at ${c.dockerfile}:${c.line} bakes it into the image` +
            (twins.length ? ` (also ${twins.map((t) => t.ruleId).join(', ')}: a key file by its name)` : ''),
          location,
          key: `${s.file}|${s.rule}|${s.digest}`,
          evidence: {
            file: s.file,
            kind: s.kind,
            secretRule: s.catalogueId,
            redacted: s.redacted,
            context: c.context || '.',
            dockerignore: c.dockerignore,
            ...(twins.length
              ? {
                  replaces: twins.map((t) => t.fingerprint),
                  rules: [meta.id, ...new Set(twins.map((t) => t.ruleId))],
                  locations: [formatLocation(location), `${s.file}:${s.line}`],
                }
              : {}),
          },
        });
      }),
    ),
);
