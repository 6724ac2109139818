/**
 * Public surface of the vulnerability area, for the image command and others:
 *
 *   const { findings, warnings } = vulnerabilityFindings(inventory, { cacheDir, ignoreUnfixed, explain, vexFiles, maxAgeDays });
 *
 * opens the database (a clear UserError when there is none or it is not ours), warns when it is older
 * than `maxAgeDays` (default 7; `.bulwark.yaml` section `vulndb: { max-age-days: N }`), matches the
 * inventory and applies OpenVEX documents.
 */
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import type { BulwarkConfig } from '../core/config.js';
import { configSection } from '../core/config.js';
import type { InventoryReport } from '../inventory/types.js';
import { VulnStore } from './store.js';
import { dbPath } from './paths.js';
import { matchInventoryDetailed, type MatchOptions } from './match/index.js';
import { applyVex, loadVex } from './vex.js';
import { parseSeveritySources } from './ratings.js';

export { VulnStore, checkDbFile, SCHEMA_VERSION } from './store.js';
export { dbPath, dbDir } from './paths.js';
export { updateDb, DEFAULT_SOURCES, type UpdateOptions, type UpdateResult } from './update.js';
export { matchInventory, matchInventoryDetailed, type MatchOptions, type MatchResult } from './match/index.js';
export { why, type WhyResult } from './match/why.js';
export { matchKeys, type MatchKey } from './match/keys.js';
export { parseSeveritySources, knownRatingSources, chooseRating, defaultOrder } from './ratings.js';
export type { ChangeSet } from './store.js';
export { applyVex, parseVex, loadVex, type VexStatement } from './vex.js';
export { vulndbRules, UNSUPPORTED_RELEASE_RULE } from './rules.js';
export { loadInventory } from './saved-inventory.js';

export const DEFAULT_MAX_AGE_DAYS = 7;

export const vulndbConfigSchema = z
  .object({
    'max-age-days': z.number().positive().optional(),
    /** rating sources in preference order, as --severity-source: "nvd,auto" or [nvd, auto] */
    'severity-source': z.union([z.string(), z.array(z.string())]).optional(),
  })
  .passthrough();

export function maxAgeFromConfig(cfg: BulwarkConfig | undefined): number | undefined {
  if (!cfg) return undefined;
  return configSection(cfg, 'vulndb', vulndbConfigSchema)?.['max-age-days'];
}

/** `--severity-source` (wins) or `.bulwark.yaml` `vulndb.severity-source`; undefined: the default order. */
export function severitySourcesFrom(flag: string | undefined, cfg: BulwarkConfig | undefined): string[] | undefined {
  if (flag !== undefined) return parseSeveritySources(flag);
  const fromCfg = cfg ? configSection(cfg, 'vulndb', vulndbConfigSchema)?.['severity-source'] : undefined;
  return parseSeveritySources(fromCfg);
}

export interface VulnScanOptions extends MatchOptions {
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
  const age = store.dataAgeMs();
  const days = age / 86_400_000;
  if (days <= maxAgeDays) return undefined;
  return `the vulnerability database is ${days.toFixed(1)} days old (limit ${maxAgeDays}): run 'bulwark db update'`;
}

export function vulnerabilityFindings(inv: InventoryReport, opts: VulnScanOptions = {}): { findings: Finding[]; warnings: string[] } {
  const store = opts.store ?? VulnStore.open(opts.dbFile ?? dbPath(opts.cacheDir));
  try {
    const warnings: string[] = [];
    const stale = stalenessWarning(store, opts.maxAgeDays);
    if (stale) warnings.push(stale);
    const res = matchInventoryDetailed(inv, store, opts);
    warnings.push(...res.warnings);
    for (const f of opts.vexFiles ?? []) warnings.push(...applyVex(res.findings, loadVex(f)));
    return { findings: res.findings, warnings };
  } finally {
    if (!opts.store) store.close();
  }
}
