/**
 * Matching an inventory for a report: `vulnerabilityFindings` (the settings it reads are in settings.ts, kept
 * matches in match-cache.ts). Apart from `index.ts`, which
 * also re-exports the database updater and every feed importer, so that a scan loads the matchers and the store
 * only (the image command's start-up).
 */
import type { Finding } from '../core/finding.js';
import type { InventoryReport } from '../inventory/types.js';
import { VulnStore } from './store.js';
import { dbPath } from './paths.js';
import { matchInventoryDetailed, type MatchOptions } from './match/index.js';
import { DEFAULT_MAX_AGE_DAYS, keptMatchResult, matchCacheKey, stalenessWarningAt, type MatchCache } from './match-cache.js';

export { DEFAULT_MAX_AGE_DAYS, type MatchCache };
export { maxAgeFromConfig, severitySourcesFrom, vulndbConfigSchema } from './settings.js';

export interface VulnScanOptions extends MatchOptions {
  /** keep and reuse the match of this inventory (a rescan of the same image against the same database) */
  matchCache?: MatchCache;
  /** an open database to use (a server keeps one open); it is not closed */
  store?: VulnStore;
  cacheDir?: string;
  /** explicit database file (tests, --db) */
  dbFile?: string;
  vexFiles?: string[];
  maxAgeDays?: number;
}

/** A warning when the database is older than maxAgeDays; undefined when fresh. */
export function stalenessWarning(store: VulnStore, maxAgeDays = DEFAULT_MAX_AGE_DAYS): string | undefined {
  return stalenessWarningAt(store.dataAgeMs(), maxAgeDays);
}

export function vulnerabilityFindings(inv: InventoryReport, opts: VulnScanOptions = {}): { findings: Finding[]; warnings: string[] } {
  const file = opts.store?.path ?? opts.dbFile ?? dbPath(opts.cacheDir);
  const key = opts.matchCache ? matchCacheKey(file, opts) : undefined;
  const kept = key ? opts.matchCache!.get(key) : undefined;
  if (kept) return keptMatchResult(kept, opts);
  const store = opts.store ?? VulnStore.open(file);
  try {
    const dataTime = Date.now() - store.dataAgeMs();
    const res = matchInventoryDetailed(inv, store, opts);
    if (key) opts.matchCache!.put(key, { findings: res.findings, warnings: res.warnings, dataTime });
    return keptMatchResult({ findings: res.findings, warnings: res.warnings, dataTime }, opts);
  } finally {
    if (!opts.store) store.close();
  }
}
