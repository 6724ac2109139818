/**
 * Matching an inventory for a report: `vulnerabilityFindings` and the settings it reads. Apart from `index.ts`, which
 * also re-exports the database updater and every feed importer, so that a scan loads the matchers and the store
 * only (the image command's start-up).
 */
import { createRequire } from 'node:module';
import type { Finding } from '../core/finding.js';
import type { BulwarkConfig } from '../core/config.js';
import { configSection } from '../core/config.js';
import type { InventoryReport } from '../inventory/types.js';
import { VulnStore } from './store.js';
import { dbPath } from './paths.js';
import { matchInventoryDetailed, type MatchOptions } from './match/index.js';
import { applyVex, loadVex } from './vex.js';
import { parseSeveritySources } from './ratings.js';

export const DEFAULT_MAX_AGE_DAYS = 7;

const require = createRequire(import.meta.url);

const makeVulndbConfigSchema = (z: typeof import('zod').z) =>
  z
    .object({
      'max-age-days': z.number().positive().optional(),
      /** rating sources in preference order, as --severity-source: "nvd,auto" or [nvd, auto] */
      'severity-source': z.union([z.string(), z.array(z.string())]).optional(),
    })
    .passthrough();
let schema: ReturnType<typeof makeVulndbConfigSchema> | undefined;

/** The `vulndb` section's schema; zod loads when a config has that section, not on every scan. */
export function vulndbConfigSchema(): ReturnType<typeof makeVulndbConfigSchema> {
  return (schema ??= makeVulndbConfigSchema((require('zod') as typeof import('zod')).z));
}

/** The `vulndb` section of the config, validated; undefined when there is none. */
function vulndbSection(cfg: BulwarkConfig): ReturnType<ReturnType<typeof makeVulndbConfigSchema>['parse']> | undefined {
  if ((cfg as Record<string, unknown>).vulndb === undefined) return undefined;
  return configSection(cfg, 'vulndb', vulndbConfigSchema());
}

export function maxAgeFromConfig(cfg: BulwarkConfig | undefined): number | undefined {
  if (!cfg) return undefined;
  return vulndbSection(cfg)?.['max-age-days'];
}

/** `--severity-source` (wins) or `.bulwark.yaml` `vulndb.severity-source`; undefined: the default order. */
export function severitySourcesFrom(flag: string | undefined, cfg: BulwarkConfig | undefined): string[] | undefined {
  if (flag !== undefined) return parseSeveritySources(flag);
  const fromCfg = cfg ? vulndbSection(cfg)?.['severity-source'] : undefined;
  return parseSeveritySources(fromCfg);
}

/**
 * Where a caller keeps match results between runs, for one inventory it can identify (an image result cache
 * entry): `get` returns what `put` stored under the same `db` key, or undefined. The key names the database
 * (VulnStore.identity) and every option that changes the match; the staleness warning and VEX are applied
 * after, on every run.
 */
export interface MatchCache {
  get(db: string): { findings: Finding[]; warnings: string[] } | undefined;
  put(db: string, result: { findings: Finding[]; warnings: string[] }): void;
}

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
    const res = cachedMatch(inv, store, opts);
    warnings.push(...res.warnings);
    for (const f of opts.vexFiles ?? []) warnings.push(...applyVex(res.findings, loadVex(f)));
    return { findings: res.findings, warnings };
  } finally {
    if (!opts.store) store.close();
  }
}

function cachedMatch(inv: InventoryReport, store: VulnStore, opts: VulnScanOptions): { findings: Finding[]; warnings: string[] } {
  const cache = opts.matchCache;
  if (!cache) return matchInventoryDetailed(inv, store, opts);
  const db = JSON.stringify({ v: 1, db: store.identity(), ignoreUnfixed: Boolean(opts.ignoreUnfixed), explain: Boolean(opts.explain), severitySources: opts.severitySources ?? null });
  const hit = cache.get(db);
  if (hit) return hit;
  const res = matchInventoryDetailed(inv, store, opts);
  cache.put(db, { findings: res.findings, warnings: res.warnings });
  return res;
}
