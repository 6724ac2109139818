/** CVSS base scores (v2, v3.0, v3.1, v4.0) through ae-cvss-calculator, and score -> severity. */
import cvssLib from 'ae-cvss-calculator';
import type { Severity } from '../core/finding.js';

export interface CvssScore {
  score: number;
  vector: string;
  version: string;
}

const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssLib;

/** Base score of a vector; undefined when the vector is not valid CVSS. */
export function scoreVector(vector: string): CvssScore | undefined {
  const v = vector.trim();
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
    default:
      return undefined;
  }
}

/** Prefer the newest CVSS version that validates. */
export function bestScore(vectors: string[]): CvssScore | undefined {
  const scored = vectors.map(scoreVector).filter((s): s is CvssScore => Boolean(s));
  const rank = (v: string) => (v === '3.1' ? 4 : v === '3.0' ? 3 : v === '4.0' ? 2 : 1);
  scored.sort((a, b) => rank(b.version) - rank(a.version));
  return scored[0];
}
