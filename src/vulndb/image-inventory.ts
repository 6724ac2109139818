/**
 * The inventory of an image reference for `bulwark why IMAGE ...`: opened through the image sources
 * (src/sources), walked by the image walker and turned into an InventoryReport by src/inventory.
 * The matcher itself never sees the image, only the report; `--inventory FILE.json` skips all this.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { InventoryReport } from '../inventory/types.js';
import type { ImageSource, OpenedImage } from '../sources/types.js';

export async function inventoryForImage(ref: string, opts: { cacheDir?: string; platform?: string } = {}): Promise<InventoryReport> {
  const [{ scanImage }, inventory, sources] = await Promise.all([
    import('../image/scan.js'),
    import('../inventory/index.js'),
    Promise.all([
      import('../sources/docker-daemon.js').then((m) => m.dockerDaemonSource),
      import('../sources/rootfs.js').then((m) => m.rootfsSource),
      import('../sources/dir.js').then((m) => m.dirSource),
      import('../sources/oci-layout.js').then((m) => m.ociLayoutSource),
      import('../sources/docker-archive.js').then((m) => m.dockerArchiveSource),
    ]),
  ]);
  let src: ImageSource | undefined;
  for (const s of sources as ImageSource[]) {
    if (await s.accepts(ref)) {
      src = s;
      break;
    }
  }
  if (!src) throw new InputError(`cannot open image '${ref}' (use docker:NAME, rootfs:FILE, dir:PATH, an archive or an OCI layout)`);
  const img: OpenedImage = await src.open(ref, { platform: opts.platform });
  try {
    const scan = await scanImage(img, inventory.inventoryAnalyzers, { cacheDir: opts.cacheDir });
    return inventory.buildInventory(scan);
  } finally {
    await img.close();
  }
}

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
