/** Severity filters, suppressions and the CI exit code: the same for every command. */
import type { Finding, Severity } from './finding.js';
import { SEVERITIES, isSeverity, severityRank } from './finding.js';
import type { IgnoreEntry } from './ignore.js';
import { entryMatches, isExpired } from './ignore.js';
import type { Report } from './report.js';
import { InputError } from './errors.js';

/**
 * `--severity high` keeps high and critical; `--severity HIGH,CRITICAL` (Trivy's form) keeps exactly those.
 */
export function parseSeverityFilter(spec: string | undefined): Set<Severity> {
  if (!spec) return new Set(SEVERITIES);
  const parts = spec
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((s) => (s === 'negligible' || s === 'unknown' ? 'info' : s));
  for (const p of parts) if (!isSeverity(p)) throw new InputError(`unknown severity '${p}' (use ${SEVERITIES.join(', ')})`);
  if (parts.length === 1) {
    const min = severityRank(parts[0] as Severity);
    return new Set(SEVERITIES.filter((s) => severityRank(s) >= min));
  }
  return new Set(parts as Severity[]);
}

export interface PolicyOptions {
  severities: Set<Severity>;
  ignores: IgnoreEntry[];
  today?: Date;
}

/**
 * Marks suppressed findings (kept in the report with the reason), drops those outside the severity
 * filter, and returns warnings for expired ignore entries.
 */
export function applyPolicy(report: Report, opts: PolicyOptions): Report {
  const warnings = [...(report.warnings ?? [])];
  const today = opts.today ?? new Date();
  const expiredSeen = new Set<IgnoreEntry>();
  const findings: Finding[] = [];
  for (const f of report.findings) {
    if (!opts.severities.has(f.severity)) continue;
    if (!f.suppressed) {
      for (const e of opts.ignores) {
        if (!entryMatches(e, f)) continue;
        if (isExpired(e, today)) {
          expiredSeen.add(e);
          continue;
        }
        f.suppressed = { kind: 'ignorefile', source: `${e.source}:${e.line}`, ...(e.reason ? { reason: e.reason } : {}) };
        break;
      }
    }
    findings.push(f);
  }
  for (const e of expiredSeen) {
    warnings.push(`ignore entry '${e.id}' at ${e.source}:${e.line} expired on ${e.expires} and no longer suppresses`);
  }
  return { ...report, findings, warnings };
}

/** The exit code for CI gates: `code` when any unsuppressed finding remains after filtering. */
export function exitCodeFor(report: Report, code: number | undefined): number {
  if (!code) return 0;
  return report.findings.some((f) => !f.suppressed) ? code : 0;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
}
