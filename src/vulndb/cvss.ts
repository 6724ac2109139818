/**
 * CVSS base scores (v2, v3.0, v3.1, v4.0) through ae-cvss-calculator, score -> severity, vendor words ->
 * severity, and the two kinds of rating a feed records (`cvssRating`, `vendorRating`).
 */
import { createRequire } from 'node:module';
import type { Severity, SeverityRating } from '../core/finding.js';

/** What a feed hands the sink: one rating, published under the advisory id it is recorded for. */
export type RatingInput = Omit<SeverityRating, 'id'>;

export interface CvssScore {
  score: number;
  vector: string;
  version: string;
}

// the calculator loads on the first vector scored (a feed import), not with the matcher on every scan
const require = createRequire(import.meta.url);
let lib: typeof import('ae-cvss-calculator') | undefined;
const cvssLib = (): typeof import('ae-cvss-calculator') => (lib ??= require('ae-cvss-calculator') as typeof import('ae-cvss-calculator'));

/** Base score of a vector; undefined when the vector is not valid CVSS. */
export function scoreVector(vector: string): CvssScore | undefined {
  const v = vector.trim();
  const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssLib();
  try {
    if (v.startsWith('CVSS:4.0/')) {
      const s = new Cvss4P0(v).calculateScores();
      return num(s.base, v, '4.0');
    }
    if (v.startsWith('CVSS:3.1/')) return num(new Cvss3P1(v).calculateScores().base, v, '3.1');
    if (v.startsWith('CVSS:3.0/')) return num(new Cvss3P0(v).calculateScores().base, v, '3.0');
    if (/^(\(?)AV:[LAN]\/AC:[HML]\/Au:[MSN]/.test(v)) return num(new Cvss2(v.replace(/^\(|\)$/g, '')).calculateScores().base, v, '2.0');
  } catch {
    return undefined;
  }
  return undefined;
}

function num(base: unknown, vector: string, version: string): CvssScore | undefined {
  const n = typeof base === 'number' ? base : Number(base);
  if (!Number.isFinite(n) || n < 0 || n > 10) return undefined;
  return { score: Math.round(n * 10) / 10, vector, version };
}

/** CVSS v3/v4 qualitative rating. 0.0 is "none": reported as info. */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** GHSA database_specific.severity, Debian urgency, and the usual words for ratings. */
export function severityFromLabel(label: string | undefined): Severity | undefined {
  if (!label) return undefined;
  const l = label.toLowerCase().replace(/\*+$/, '').trim();
  switch (l) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'moderate':
    case 'medium':
      return 'medium';
    case 'low':
      return 'low';
    case 'unimportant':
    case 'negligible':
      return 'info';
    // Ubuntu's "untriaged", Debian's "not yet assigned" / "end-of-life": no rating
    default:
      return undefined;
  }
}

/** A CVSS vector as a rating by `source`; undefined when the library does not accept the vector. */
export function cvssRating(source: string, vector: string): RatingInput | undefined {
  const s = scoreVector(vector);
  if (!s) return undefined;
  return { source, severity: severityFromScore(s.score), method: `CVSS:${s.version}`, score: s.score, vector: s.vector };
}

/** A bare CVSS score (no vector, version unknown) as a rating. */
export function scoreRating(source: string, score: number): RatingInput | undefined {
  if (!Number.isFinite(score) || score < 0 || score > 10) return undefined;
  return { source, severity: severityFromScore(score), method: 'CVSS', score: Math.round(score * 10) / 10 };
}

/** A vendor word (Debian urgency, Ubuntu priority, GitHub's severity) as a rating; undefined when it rates nothing. */
export function vendorRating(source: string, label: string | undefined): RatingInput | undefined {
  const severity = severityFromLabel(label);
  if (!severity || !label) return undefined;
  return { source, severity, method: 'vendor', label: label.replace(/\*+$/, '').trim() };
}
