import type { Finding } from './finding.js';

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
}
