import type { Finding, Location, Severity } from './finding.js';
import type { RuleMeta } from './rule.js';

export interface Target {
  /** dockerfile | compose | image | container | run-args | daemon | host | directory | sbom */
  type: string;
  name: string;
  [extra: string]: unknown;
}

/**
 * Work that could not be done, so the report is incomplete: an input that could not be read or parsed
 * (`input`: the command exits 2 whatever the severity filter), or a check that failed (`check`: its verdict is
 * unknown; `--exit-code` then fails the run). Never a quiet "not evaluated".
 */
export interface ReportError {
  kind: 'input' | 'check';
  message: string;
  /** the target (file, image, container) concerned */
  target?: string;
  /** the rule whose check failed */
  ruleId?: string;
}

/** The statuses of a benchmark check (Docker Bench's PASS/WARN/INFO/NOTE, plus not evaluated and error). */
export type CheckOutcomeStatus = 'pass' | 'fail' | 'warn' | 'info' | 'not-evaluated' | 'error';

/**
 * The verdict of one check of a benchmark-style audit (`cis`, `daemon`, `host`): one for EVERY check run, whatever
 * its verdict (Docker Bench's JSON has every check); fail and warn outcomes are also findings.
 */
export interface CheckOutcome {
  ruleId: string;
  title: string;
  status: CheckOutcomeStatus;
  message: string;
  /** CIS Docker Benchmark number, e.g. "2.2" */
  cis?: string;
  /** CIS section ("1".."7"), or "K" for Bulwark's kernel/runtime escape checks */
  section?: string;
  /** the verdict's severity when it differs from the rule's */
  severity?: Severity;
  /** what was looked at: the setting and where it was read, a file's owner and mode, a version... */
  evidence?: Record<string, unknown>;
  /** what to change (fail, warn) */
  remediation?: string;
  location?: Location;
  /** the container or image the check ran on (CIS 4 and 5) */
  target?: string;
}

export interface Report {
  tool: { name: string; version: string };
  targets: Target[];
  findings: Finding[];
  /** later stages: the package inventory (see src/inventory) */
  packages?: unknown[];
  /** free-form per-command summary (image layers, CIS score, ...) */
  summary?: Record<string, unknown>;
  /** non-fatal problems met while scanning (an unreadable file, an expired ignore entry, ...) */
  warnings?: string[];
  /** what could not be read or checked (see ReportError) */
  errors?: ReportError[];
  /** benchmark-style commands: every check's verdict (see CheckOutcome) */
  checks?: CheckOutcome[];
  /**
   * The absolute directory relative file paths in findings are relative to (`scan DIR`: DIR); default: the
   * working directory. SARIF turns them into repository-relative URIs.
   */
  baseDir?: string;
  /**
   * The catalogue entries of the rules the findings cite, for renderers that describe rules (SARIF's rule
   * table). Filled from the rule registry by whoever emits the report; not part of the JSON output.
   */
  rules?: RuleMeta[];
}
