/**
 * The shape of a secret rule's catalogue entry. Each BW-SECRET-NNN rule is one file in ./rules; the kinds
 * of secret filed under it are data in rules-table.ts (`ruleId`).
 */
import type { RuleMeta } from '../../../core/rule.js';
import type { Severity } from '../../../core/finding.js';

const REMEDIATE =
  'Revoke and rotate the credential now: it is readable by anyone who can pull the image, from the layer that ' +
  'added it, even when a later layer deletes it. Then keep it out of the build: use BuildKit secret mounts ' +
  '(RUN --mount=type=secret), multi-stage builds that copy only artefacts, and a .dockerignore.';

export interface SecretMetaInit {
  id: string;
  title: string;
  severity: Severity;
  rationale: string;
  /** upstream IDs on top of the CIS ones every secret rule cites */
  references?: string[];
}

export function secretMeta(m: SecretMetaInit): RuleMeta {
  return {
    id: m.id,
    title: m.title,
    severity: m.severity,
    stage: 'image',
    rationale: m.rationale,
    remediation: REMEDIATE,
    references: ['CIS-4.10', 'CIS-DI-0010', ...(m.references ?? [])],
    tags: ['secret'],
  };
}
