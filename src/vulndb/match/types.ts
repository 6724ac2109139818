import type { Package } from '../../inventory/types.js';
import type { AffectedRow } from '../store.js';
import type { Verdict } from './evaluate.js';

/** One advisory row evaluated against one package. */
export interface RowMatch {
  pkg: Package;
  /** name and version actually compared (source name/version for distro packages) */
  key: string;
  version: string;
  ecosystem: string;
  namespace: string;
  row: AffectedRow;
  verdict: Verdict;
}

/** What a family matcher hands back: matches, plus the packages it declined and why. */
export interface FamilyResult {
  matches: RowMatch[];
  warnings: string[];
  /** packages that could not be matched, grouped by reason (unsupported release, no version order, ...) */
  unmatched: Array<{ reason: string; packages: Package[]; namespace?: string }>;
  /** rows evaluated and found not to apply (kept only when explaining) */
  nonMatches: RowMatch[];
}

export function emptyResult(): FamilyResult {
  return { matches: [], warnings: [], unmatched: [], nonMatches: [] };
}
