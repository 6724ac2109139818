/**
 * A rule is data plus one check: `Rule<Input, Result>`, the one contract of every stage. The metadata
 * (`RuleMeta`) is what `bulwark rules`, `bulwark explain` and SARIF's rule table show; the check is a pure
 * function of the stage's input. Each rule is one file, `export default defineRule<Input, Result>(meta, check)`,
 * plus one line in its stage's registry (a `ruleSet`).
 *
 * | stage           | Input                                   | Result                                   |
 * |-----------------|-----------------------------------------|------------------------------------------|
 * | build           | `BuildContext` (the Dockerfile model)   | `Hit` (turned into findings by analyze)  |
 * | image           | `ImageCheckContext`                     | `Finding`                                |
 * | runtime         | `ContainerSpec`                         | `Finding`                                |
 * | daemon and host | `HostEvidence`                          | `CheckResult` (pass/fail/warn/info/...)  |
 */
import type { Finding, Location, Remediation, Severity, Stage } from './finding.js';
import { fingerprint } from './finding.js';

/** CIS Docker Benchmark v1.6.0 sections; "K" = kernel and runtime escapes (Bulwark only). */
export type CisSection = '1' | '2' | '3' | '4' | '5' | '6' | '7' | 'K';

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
  /**
   * Where the rule sits in the CIS benchmark table (daemon and host rules): the section it is listed
   * under and the CIS numbers its results answer (empty for Bulwark-only checks).
   */
  cis?: { section: CisSection; ids: string[] };
}

/** One rule of any stage: its metadata and one pure check over the stage's input. */
export interface Rule<Input, Result = Finding> {
  readonly meta: RuleMeta;
  check(input: Input): Result[];
}

/** Any rule, whatever its stage (for catalogues that only read `meta`). */
// method parameters are bivariant, so every Rule<X, Y> is assignable to this
export type AnyRule = Rule<never, unknown>;

/** The one way to write a rule: `export default defineRule<Input, Result>(meta, check)`. */
export function defineRule<Input, Result = Finding>(meta: RuleMeta, check: (input: Input) => Result[]): Rule<Input, Result> {
  return { meta, check };
}

/** A stage's rule registry: the list in run order; two rules with one ID are a programming error. */
export function ruleSet<R extends AnyRule>(rules: R[]): R[] {
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.meta.id)) throw new Error(`duplicate rule id ${r.meta.id}`);
    seen.add(r.meta.id);
  }
  return rules;
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
