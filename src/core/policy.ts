/** Severity filters, suppressions and the CI exit code: the same for every command. */
import type { Finding, Severity } from './finding.js';
import { SEVERITIES, isSeverity, severityRank } from './finding.js';
import type { IgnoreEntry } from './ignore.js';
import { entryMatches, isExpired } from './ignore.js';
import type { Report } from './report.js';
import { InputError } from './errors.js';

/**
 * `--severity` / `.bulwark.yaml severity:`
 * - one level, `high`: that level and every worse one (high, critical);
 * - a list, `HIGH,CRITICAL` (Trivy's form): exactly those levels; an item `medium+` means medium and worse,
 *   so `high+,unknown` is high, critical and the unrated.
 * `unknown` (no feed rated the vulnerability) is admitted only when named: no threshold implies it, so a gate
 * on `--severity medium` neither fails on nor shows unrated advisories, and `--severity medium+,unknown` does
 * both. The one exception is `info` (the lowest level): "info and worse" is everything.
 * `negligible` (Debian's and Ubuntu's word) is `info`.
 */
export function parseSeverityFilter(spec: string | undefined): Set<Severity> {
  if (!spec) return new Set(SEVERITIES);
  const parts = spec
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (!parts.length) return new Set(SEVERITIES);
  const out = new Set<Severity>();
  for (const raw of parts) {
    const plus = raw.endsWith('+');
    const name = (plus ? raw.slice(0, -1) : raw) === 'negligible' ? 'info' : plus ? raw.slice(0, -1) : raw;
    if (!isSeverity(name)) throw new InputError(`unknown severity '${raw}' (use ${SEVERITIES.join(', ')}; 'high+' for high and worse)`);
    if (plus || parts.length === 1) {
      const min = severityRank(name);
      for (const s of SEVERITIES) if (severityRank(s) >= min && (s !== 'unknown' || name === 'unknown' || name === 'info')) out.add(s);
    } else {
      out.add(name);
    }
  }
  return out;
}

export interface PolicyOptions {
  severities: Set<Severity>;
  ignores: IgnoreEntry[];
  today?: Date;
  /** keep only vulnerabilities in CISA's Known Exploited Vulnerabilities catalog (`--kev-only`) */
  kevOnly?: boolean;
}

/**
 * The counts a report's summary carries (`summary.counts`), over the findings that remain after filtering:
 * unsuppressed findings per severity (every level, `unknown` included), suppressed ones, and for vulnerability
 * findings: per severity, per rating source (the source whose rating set the severity; `none` when no feed rated
 * it) and how many are known-exploited (KEV).
 */
export interface FindingCounts {
  findings: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
  vulnerabilities?: { total: number; bySeverity: Record<Severity, number>; byRatingSource: Record<string, number>; kev: number };
}

export function findingCounts(findings: Finding[], withVulnerabilities: boolean): FindingCounts {
  const zero = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const out: FindingCounts = { findings: 0, suppressed: 0, bySeverity: zero() };
  const v = withVulnerabilities ? { total: 0, bySeverity: zero(), byRatingSource: {} as Record<string, number>, kev: 0 } : undefined;
  for (const f of findings) {
    if (f.suppressed) {
      out.suppressed++;
      continue;
    }
    out.findings++;
    out.bySeverity[f.severity]++;
    if (!v || !f.vulnerability) continue;
    v.total++;
    v.bySeverity[f.severity]++;
    const src = f.vulnerability.rating?.source ?? 'none';
    v.byRatingSource[src] = (v.byRatingSource[src] ?? 0) + 1;
    if (f.vulnerability.kev) v.kev++;
  }
  if (v) {
    v.byRatingSource = Object.fromEntries(Object.entries(v.byRatingSource).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    out.vulnerabilities = v;
  }
  return out;
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
  let vulnerabilityReport = false;
  for (const f of report.findings) {
    if (f.vulnerability) vulnerabilityReport = true;
    if (!opts.severities.has(f.severity)) continue;
    if (opts.kevOnly && !f.vulnerability?.kev) continue;
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
  // the counts are over what the report shows; the vulnerability part when the command matched vulnerabilities
  // (a report says it matched vulnerabilities by a numeric summary.vulnerabilities, even when none were found)
  const matched = vulnerabilityReport || opts.kevOnly === true || typeof report.summary?.vulnerabilities === 'number';
  const counts = findingCounts(findings, matched);
  return { ...report, findings, warnings, summary: { ...(report.summary ?? {}), counts } };
}

/** The exit code for CI gates: `code` when any unsuppressed finding remains after filtering. */
export function exitCodeFor(report: Report, code: number | undefined): number {
  if (!code) return 0;
  return report.findings.some((f) => !f.suppressed) ? code : 0;
}

/** Worst first; within one severity, known-exploited vulnerabilities (CISA KEV) first; then by rule and fingerprint. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (b.vulnerability?.kev ? 1 : 0) - (a.vulnerability?.kev ? 1 : 0) ||
      compareIds(a.ruleId, b.ruleId) ||
      compareIds(a.fingerprint, b.fingerprint),
  );
}

/** 0 for '-', 1 for a digit, 2 for an ASCII letter, -1 for anything else */
function charClass(c: number): number {
  if (c === 0x2d) return 0;
  if (c >= 0x30 && c <= 0x39) return 1;
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return 2;
  return -1;
}

/**
 * The order of `a.localeCompare(b)`, without its first call's cost (loading ICU's collator: ~10 ms of a warm image
 * scan). Rule IDs and fingerprints are ASCII letters, digits and '-', where the collator's order is known: '-' before
 * digits before letters, letters by their lower case, a prefix first. At a first difference outside that (another
 * character, or the same letter in another case, where the collator looks further) it asks the collator itself.
 */
export function compareIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const cx = charClass(x);
    const cy = charClass(y);
    if (cx < 0 || cy < 0) return a.localeCompare(b);
    if (cx !== cy) return cx < cy ? -1 : 1;
    if (cx === 2) {
      const lx = x | 0x20;
      const ly = y | 0x20;
      if (lx === ly) return a.localeCompare(b);
      return lx < ly ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
