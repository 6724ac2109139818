/**
 * The vulnerability database use cases: refresh it, describe it, match a saved inventory, explain one
 * verdict. The matcher only ever sees an InventoryReport; an image reference is turned into one here.
 *
 *   updateDatabase(opts)                    import feeds, swap the database atomically -> UpdateResult
 *   databaseStatus(opts)                    sources, counts, age -> { info, stale? }
 *   matchSavedInventory(file, opts)         a saved InventoryReport -> Report
 *   whyVulnerability(image, pkg, id, opts)  the evidence chain for one package and one advisory
 */
import type { Report } from '../core/report.js';
import { TOOL_VERSION } from '../core/version.js';
import type { InventoryReport } from '../inventory/types.js';
import {
  DEFAULT_SOURCES,
  VulnStore,
  dbPath,
  maxAgeFromConfig,
  severitySourcesFrom,
  loadInventory,
  stalenessWarning,
  updateDb,
  why,
  type UpdateOptions,
  type UpdateResult,
  type WhyResult,
} from '../vulndb/index.js';
import type { VulnStoreInfo } from '../vulndb/store.js';
import { imageInventory, type VulnerabilityReportOptions } from './image.js';
import { vulnerabilityReport } from './image-vulnerabilities.js';

/** The feeds `updateDatabase` imports when no sources are given; the config's `vulndb.max-age-days` and `vulndb.severity-source`. */
export { DEFAULT_SOURCES, maxAgeFromConfig, severitySourcesFrom };

export interface DatabaseLocation {
  cacheDir?: string;
  /** explicit database file (default <cacheDir>/db/vuln.db) */
  dbFile?: string;
}

/** `bulwark db update`: import the sources (default: the official feeds) into a new database and swap it in. */
export function updateDatabase(opts: UpdateOptions = {}): Promise<UpdateResult> {
  return updateDb(opts);
}

/** `bulwark db status`: what the database holds and how old it is. */
export function databaseStatus(opts: DatabaseLocation = {}): { info: VulnStoreInfo; stale?: string } {
  const store = VulnStore.open(opts.dbFile ?? dbPath(opts.cacheDir));
  try {
    const stale = stalenessWarning(store);
    return { info: store.info(), ...(stale ? { stale } : {}) };
  } finally {
    store.close();
  }
}

/** `bulwark db match --inventory FILE`: match a saved inventory; `explainInMessage` appends the chain for table output. */
export function matchSavedInventory(file: string, opts: VulnerabilityReportOptions & { explainInMessage?: boolean } = {}): Report {
  const { explainInMessage, ...vopts } = opts;
  const inv = loadInventory(file);
  const { findings, warnings } = vulnerabilityReport(inv, vopts);
  if (opts.explain && explainInMessage) {
    for (const f of findings) {
      const ex = f.vulnerability?.explanation;
      if (ex?.length) f.message += ex.map((l) => `\n             ${l}`).join('');
    }
  }
  const name = inv.image?.name ?? file;
  return {
    tool: { name: 'bulwark', version: TOOL_VERSION },
    targets: [{ type: 'image', name }],
    findings,
    warnings: [...inv.warnings, ...warnings],
    summary: { packages: inv.packages.length, vulnerabilities: findings.filter((f) => f.vulnerability).length },
  };
}

export interface WhyOptions extends DatabaseLocation {
  /** use this saved InventoryReport instead of walking the image */
  inventoryFile?: string;
  platform?: string;
}

/** `bulwark why IMAGE PACKAGE VULN-ID`: why an advisory did or did not match a package of the image. */
export async function whyVulnerability(image: string, pkg: string, vulnId: string, opts: WhyOptions = {}): Promise<WhyResult> {
  const store = VulnStore.open(opts.dbFile ?? dbPath(opts.cacheDir));
  try {
    const inv: InventoryReport = opts.inventoryFile
      ? loadInventory(opts.inventoryFile)
      : (await imageInventory(image, { cacheDir: opts.cacheDir, platform: opts.platform })).inv;
    return why(inv, store, pkg, vulnId);
  } finally {
    store.close();
  }
}
