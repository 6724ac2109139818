import type { Finding } from './finding.js';
import type { RuleMeta } from './rule.js';

export interface Target {
  /** dockerfile | compose | image | container | run-args | daemon | host | directory | sbom */
  type: string;
  name: string;
  [extra: string]: unknown;
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
  /**
   * The catalogue entries of the rules the findings cite, for renderers that describe rules (SARIF's rule
   * table). Filled from the rule registry by whoever emits the report; not part of the JSON output.
   */
  rules?: RuleMeta[];
}
