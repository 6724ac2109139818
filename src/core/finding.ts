/**
 * The one finding model every stage emits. Its JSON form is a public contract
 * (see docs/architecture.md#finding): add fields, never rename or remove them.
 */
import crypto, { createHash } from 'node:crypto';

/**
 * Worst first. `unknown` is a vulnerability no feed rated (Trivy's UNKNOWN): below low, above `info`
 * (a rating of "no risk", e.g. Debian's "unimportant"). Never hard-code this list: use SEVERITIES and
 * severityRank. A threshold (`--severity low`) never admits `unknown` implicitly (see core/policy.ts).
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STAGES = ['build', 'image', 'registry', 'runtime', 'daemon', 'host'] as const;
export type Stage = (typeof STAGES)[number];

/** Higher is worse. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

/** A position in a text file (Dockerfile, compose file, daemon.json, ...). Lines and columns are 1-based. */
export interface FileLocation {
  kind: 'file';
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** Something inside an image: a file in a layer, or a field of the image config. */
export interface ImageLocation {
  kind: 'image';
  image: string;
  layerDigest?: string;
  layerIndex?: number;
  path?: string;
  line?: number;
  /** e.g. "config.User", "config.Env[3]", "history[5].created_by" */
  field?: string;
}

/** A container setting: from `docker run` args, a compose service, or a live container. */
export interface RuntimeLocation {
  kind: 'runtime';
  container?: string;
  service?: string;
  field: string;
  /** Kubernetes: the workload the container belongs to (`container` is then the container's name) */
  workload?: { kind: string; name: string; namespace?: string };
  /** set when the setting comes from a file (compose, Kubernetes manifest): where the offending key is */
  file?: string;
  line?: number;
  column?: number;
}

/** A daemon or host setting / file. */
export interface HostLocation {
  kind: 'host';
  /** the file or socket inspected, when there is one */
  path?: string;
  /** the setting, e.g. "icc" or "--tlsverify" */
  setting?: string;
  /** where the value was read: "daemon.json", "dockerd flag", "/info", ... */
  source?: string;
  line?: number;
}

export type Location = FileLocation | ImageLocation | RuntimeLocation | HostLocation;

/** One text edit on a file, 1-based inclusive lines; replaces whole lines. */
export interface LineEdit {
  file: string;
  startLine: number;
  endLine: number;
  replacement: string;
}

export interface Remediation {
  text: string;
  /** a machine-applicable fix, when there is one */
  fix?: { description: string; edits: LineEdit[] };
}

export interface PackageRef {
  name: string;
  version: string;
  ecosystem: string;
  purl?: string;
  layerDigest?: string;
  sourceName?: string;
  sourceVersion?: string;
}

export type VulnStatus = 'fixed' | 'affected' | 'will_not_fix' | 'fix_deferred' | 'end_of_life' | 'not_affected';

/**
 * One severity rating of a vulnerability, as one source published it. A finding keeps every rating the
 * feeds carry (`ratings`) and says which one set its severity (`rating`).
 */
export interface SeverityRating {
  /** who rated it: `debian`, `ubuntu`, `ghsa`, `nvd`, `nodejs-security-wg`, `osv-pypi`, ... */
  source: string;
  /** the rating on Bulwark's scale */
  severity: Severity;
  /** `CVSS:4.0`, `CVSS:3.1`, `CVSS:3.0`, `CVSS:2.0`, `CVSS` (a score without its vector), or `vendor` (the source's own word) */
  method: string;
  /** CVSS base score */
  score?: number;
  /** CVSS vector */
  vector?: string;
  /** the source's own word: Debian urgency, Ubuntu priority, GitHub's MODERATE */
  label?: string;
  /** the advisory id the rating was published under, when it is not the finding's id */
  id?: string;
}

export interface VulnerabilityDetail {
  id: string;
  aliases: string[];
  package: PackageRef;
  status: VulnStatus;
  /** Debian's finer states: no-dsa, ignored, postponed, unimportant, ... */
  statusDetail?: string;
  fixedVersion?: string;
  /** how the severity was chosen, in words: "debian urgency low", "ghsa CVSS:3.1 7.5", "none (no rating in any feed)" */
  severitySource?: string;
  /** the rating that set `severity`; absent when the severity is `unknown` */
  rating?: SeverityRating;
  /** every rating the feeds carry for this vulnerability (its id and aliases), the chosen one first */
  ratings?: SeverityRating[];
  /** the CVSS of the chosen rating, else the first CVSS rating in preference order */
  cvss?: { score: number; vector: string; version: string };
  /** CISA Known Exploited Vulnerabilities: in the catalog since dateAdded (sorted first within its severity) */
  kev?: { dateAdded: string; dueDate?: string; knownRansomware?: string };
  feed: string;
  /** "base" when the package comes from a base image layer, "app" when added on top */
  origin?: 'base' | 'app';
  explanation?: string[];
}

export interface Suppression {
  kind: 'ignorefile' | 'pragma' | 'vex' | 'config';
  reason?: string;
  source?: string;
}

export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  stage: Stage;
  message: string;
  location: Location;
  remediation: Remediation;
  /** every mapped upstream ID: "CIS-4.1", "DL3008", "DS002", "CVE-2024-1234", "GHSA-..." */
  references: string[];
  fingerprint: string;
  autoFixable?: boolean;
  vulnerability?: VulnerabilityDetail;
  /** inherited from the base image, or added by the app's own layers */
  origin?: 'base' | 'app';
  /** free-form evidence: the values a rule looked at */
  evidence?: Record<string, unknown>;
  /** set when a finding was suppressed; suppressed findings are kept in JSON output, hidden elsewhere */
  suppressed?: Suppression;
}

/**
 * A fingerprint stable across runs and line shifts: it hashes the rule, the file or object
 * the finding is about, and a content key (the offending text, setting or path), never a line number.
 */
export function fingerprint(ruleId: string, ...parts: Array<string | number | undefined>): string {
  let data = ruleId;
  for (const p of parts) data += '\u0000' + (p === undefined ? '' : String(p));
  // one-shot hashing (Node >= 20.12) is markedly cheaper than a Hash object when a scan has tens of
  // thousands of findings; both hash the same UTF-8 bytes
  return (oneShotHash ? oneShotHash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex')).slice(0, 32);
}

/**
 * The parts of a fingerprint joined once, for hashing with many rule ids (one package, many advisories):
 * `fingerprintWith(r, fingerprintParts(...p)) === fingerprint(r, ...p)`.
 */
export function fingerprintParts(...parts: Array<string | number | undefined>): string {
  let data = '';
  for (const p of parts) data += '\u0000' + (p === undefined ? '' : String(p));
  return data;
}

export function fingerprintWith(ruleId: string, parts: string): string {
  const data = ruleId + parts;
  return (oneShotHash ? oneShotHash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex')).slice(0, 32);
}

type OneShotHash = (algorithm: string, data: string, encoding: 'hex') => string;
const oneShotHash = (crypto as unknown as { hash?: OneShotHash }).hash;

export function locationPath(loc: Location): string | undefined {
  switch (loc.kind) {
    case 'file':
      return loc.file;
    case 'image':
      return loc.path;
    case 'runtime':
      return loc.file;
    case 'host':
      return loc.path;
  }
}

export function formatLocation(loc: Location): string {
  switch (loc.kind) {
    case 'file':
      return `${loc.file}:${loc.line}:${loc.column}`;
    case 'image': {
      const parts = [loc.image];
      if (loc.layerIndex !== undefined) parts.push(`layer ${loc.layerIndex}`);
      if (loc.layerDigest) parts.push(loc.layerDigest.slice(0, 19));
      if (loc.path) parts.push(loc.path + (loc.line ? `:${loc.line}` : ''));
      if (loc.field) parts.push(loc.field);
      return parts.join(' ');
    }
    case 'runtime': {
      const who = loc.service ? `service ${loc.service}` : loc.container ? `container ${loc.container}` : 'container';
      const where = loc.file ? ` (${loc.file}${loc.line ? `:${loc.line}` : ''})` : '';
      return `${who} ${loc.field}${where}`;
    }
    case 'host':
      return [loc.path, loc.setting, loc.source ? `(${loc.source})` : undefined].filter(Boolean).join(' ');
  }
}
