import type { Package } from '../../inventory/types.js';
import type { AffectedRow } from '../store.js';
import type { Verdict } from './evaluate.js';

/** One advisory row evaluated against one (name, version) of an ecosystem. */
export interface RowMatch {
  /** name and version actually compared (source name/version for distro packages) */
  key: string;
  version: string;
  ecosystem: string;
  namespace: string;
  row: AffectedRow;
  verdict: Verdict;
}

/**
 * The rows that matched one package. Packages that compare the same (ecosystem, namespace, name, version),
 * every binary package of one Debian source say, share one `matches` array: the merge step rates and groups
 * each array once.
 */
export interface PackageMatch {
  pkg: Package;
  matches: RowMatch[];
}

/** What a family matcher hands back: matches, plus the packages it declined and why. */
export interface FamilyResult {
  matches: PackageMatch[];
  warnings: string[];
  /** packages that could not be matched, grouped by reason (unsupported release, no version order, ...) */
  unmatched: Array<{ reason: string; packages: Package[]; namespace?: string }>;
  /** rows evaluated and found not to apply (kept only when asked) */
  nonMatches: PackageMatch[];
}

export function emptyResult(): FamilyResult {
  return { matches: [], warnings: [], unmatched: [], nonMatches: [] };
}
