/**
 * Public surface of the vulnerability area, for the image command and others:
 *
 *   const { findings, warnings } = vulnerabilityFindings(inventory, { cacheDir, ignoreUnfixed, explain, vexFiles, maxAgeDays });
 *
 * opens the database (a clear UserError when there is none or it is not ours), warns when it is older
 * than `maxAgeDays` (default 7; `.bulwark.yaml` section `vulndb: { max-age-days: N }`), matches the
 * inventory and applies OpenVEX documents.
 */

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
export * from './findings.js';
