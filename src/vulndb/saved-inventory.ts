/**
 * A saved InventoryReport (`bulwark sbom --format json`, `db match --inventory`, `why --inventory`): read and
 * checked. The matcher never sees an image, only such a report.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { InventoryReport } from '../inventory/types.js';

/** A saved InventoryReport (`bulwark sbom --format json` / `db match --inventory`). */
export function loadInventory(path: string): InventoryReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`inventory file not found: ${path}`);
    throw new InputError(`${path}: not a JSON inventory (${(e as Error).message})`);
  }
  // accept a bare InventoryReport or a report wrapping one ({ inventory } or { packages, os })
  const o = data as Record<string, unknown>;
  const inv = (o && typeof o === 'object' && 'inventory' in o ? o.inventory : o) as InventoryReport;
  if (!inv || typeof inv !== 'object' || !Array.isArray(inv.packages)) {
    throw new InputError(`${path}: not an inventory report (no "packages" array)`);
  }
  for (const [i, p] of inv.packages.entries()) {
    if (!p || typeof p.name !== 'string' || typeof p.version !== 'string' || typeof p.ecosystem !== 'string') {
      throw new InputError(`${path}: packages[${i}] lacks name, version or ecosystem`);
    }
    p.path ??= '';
    p.purl ??= '';
  }
  inv.warnings ??= [];
  return inv;
}
