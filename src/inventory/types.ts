/**
 * What package detectors report. The inventory report they are coalesced into (`InventoryReport`,
 * `Package`, `OsInfo`, `Ecosystem`) is a core type (src/core/inventory.ts), re-exported here.
 */

import type { OsInfo, Package } from '../core/inventory.js';

export type { Ecosystem, InventoryReport, OsInfo, Package } from '../core/inventory.js';

/** What a detector reports for one file. Packages carry no purl and no layer yet: the coalescer adds both. */
export type DetectedPackage = Omit<Package, 'purl' | 'layerIndex' | 'layerDigest' | 'path'> & { path?: string };

export interface DetectorOutput {
  packages?: DetectedPackage[];
  os?: Omit<OsInfo, 'evidence'>;
  /** dpkg info/*.list: the package (name or name:arch) this file lists, and its files */
  fileList?: { pkg: string; files: string[] };
  warnings?: string[];
  /** the file was not read to the end (a package-count cap): the packages are the first ones only */
  incomplete?: { reason: string; ecosystem: string; limit: number };
}
