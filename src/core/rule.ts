/**
 * A rule is data plus one check. The metadata (this interface) is what `bulwark rules`,
 * `bulwark explain` and SARIF's rule table show; the check lives beside it in the stage's folder.
 */
import type { Finding, Location, Remediation, Severity, Stage } from './finding.js';
import { fingerprint } from './finding.js';

export interface RuleMeta {
  /** stable Bulwark ID, e.g. BW-BUILD-001; never reused for another meaning */
  id: string;
  title: string;
  severity: Severity;
  stage: Stage;
  /** why it matters (a paragraph) */
  rationale: string;
  /** what to change */
  remediation: string;
  /** upstream IDs: CIS-x.y, hadolint DLxxxx, Trivy DSxxx / AVD-DS-xxxx, dockle CIS-DI-xxxx / DKL-xx */
  references: string[];
  /** true when `--fix` can apply the fix mechanically */
  autoFixable?: boolean;
  tags?: string[];
  /** a link to upstream docs, when there is one */
  helpUri?: string;
}

export interface FindingInit {
  message?: string;
  location: Location;
  /** content key used for the fingerprint (never a line number) */
  key: string;
  severity?: Severity;
  remediation?: Partial<Remediation>;
  evidence?: Record<string, unknown>;
  extraReferences?: string[];
  title?: string;
}

/** Build a Finding from a rule's metadata. */
export function makeFinding(meta: RuleMeta, init: FindingInit): Finding {
  const locKey =
    init.location.kind === 'file'
      ? init.location.file
      : init.location.kind === 'image'
        ? `${init.location.image}|${init.location.path ?? init.location.field ?? ''}`
        : init.location.kind === 'runtime'
          ? `${init.location.file ?? ''}|${init.location.service ?? init.location.container ?? ''}|${init.location.field}`
          : `${init.location.path ?? ''}|${init.location.setting ?? ''}`;
  const f: Finding = {
    ruleId: meta.id,
    title: init.title ?? meta.title,
    severity: init.severity ?? meta.severity,
    stage: meta.stage,
    message: init.message ?? meta.title,
    location: init.location,
    remediation: { text: init.remediation?.text ?? meta.remediation, ...(init.remediation?.fix ? { fix: init.remediation.fix } : {}) },
    references: [...meta.references, ...(init.extraReferences ?? [])],
    fingerprint: fingerprint(meta.id, locKey, init.key),
  };
  if (meta.autoFixable) f.autoFixable = Boolean(init.remediation?.fix) || meta.autoFixable;
  if (init.evidence) f.evidence = init.evidence;
  return f;
}

/** Make fingerprints unique when the same rule fires on identical content twice in one target. */
export function dedupeFingerprints(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const n = seen.get(f.fingerprint) ?? 0;
    seen.set(f.fingerprint, n + 1);
    if (n > 0) f.fingerprint = fingerprint(f.ruleId, f.fingerprint, n);
  }
}
