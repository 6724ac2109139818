/**
 * The vulnerability half of the image use cases: an inventory matched against the current database. Apart from
 * image.ts so that the matchers and SQLite load only when a match is made: a rescan whose match is kept
 * (vulndb/match-cache.ts) reports without them.
 */
import type { InventoryReport } from '../inventory/types.js';
import { vulnerabilityFindings } from '../vulndb/findings.js';
import { markOrigins, type ImageIndex, type VulnerabilityReportOptions, type VulnerabilityResult } from './image.js';

/** Match an inventory against the vulnerability database (opened from `dbFile` or the cache dir). */
export function vulnerabilityReport(inv: InventoryReport, opts: VulnerabilityReportOptions = {}): VulnerabilityResult {
  return vulnerabilityFindings(inv, opts);
}

/** The vulnerabilities of an indexed image under the current database, each with its base/app origin. */
export function imageVulnerabilities(index: ImageIndex, opts: VulnerabilityReportOptions = {}): VulnerabilityResult {
  const r = vulnerabilityReport(index.inventory, opts);
  markOrigins(index, r.findings);
  return r;
}
