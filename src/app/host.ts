/**
 * The daemon and host audit (`bulwark daemon`, `host`, `cis`): collect the evidence (live engine and /proc,
 * or an offline `--root` snapshot), run the checks of the scope, and report results and the CIS score.
 */
import type { Report } from '../core/report.js';
import { auditReport, validateAuditOptions, type AuditCommandOptions } from '../host/report.js';
import type { HostEvidence } from '../host/types.js';
import { validateWorkloadOptions } from '../host/workloads.js';

export type AuditScope = 'daemon' | 'host' | 'all';
export type AuditHostOptions = AuditCommandOptions;

/** Audit the daemon (`daemon`), the host (`host`) or both (`all`, the CIS run). */
export async function auditHost(scope: AuditScope, opts: AuditHostOptions = {}): Promise<{ report: Report; evidence: HostEvidence }> {
  const collect = validateAuditOptions(opts);
  // sections 4 and 5 belong to the whole-benchmark run only
  return auditReport(scope, collect, undefined, scope === 'all' ? validateWorkloadOptions(opts) : undefined);
}
