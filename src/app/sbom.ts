/**
 * The SBOM use case: the package inventory of an image (or of a saved inventory) as a Report that the
 * CycloneDX, SPDX, JSON and table renderers turn into a document.
 *
 *   sbom(ref, opts)                    walk + inventory -> Report
 *   sbomReport(inv, ref, warnings)     an InventoryReport -> Report
 *   indexSbom(doc)                     a CycloneDX / SPDX document -> ImageIndex (matched like an image's)
 */
import { createHash } from 'node:crypto';
import type { Report } from '../core/report.js';
import { TOOL } from '../core/version.js';
import type { InventoryReport, Package } from '../inventory/types.js';
import { inventoryFromSbom } from '../inventory/sbom-document.js';
import { SBOM_PREFIX, imageInventory, layerWarnings, withoutFileLists, type ImageIndex, type ImageScanOptions } from './image.js';
import { loadInventory } from '../vulndb/saved-inventory.js';
import { selectPackages } from '../core/selectors.js';

/** The package list as text: one line per package, grouped by ecosystem. */
export function packageTable(inv: Pick<InventoryReport, 'packages' | 'os' | 'image'>): string {
  const lines: string[] = [];
  if (inv.image) lines.push(`Image: ${inv.image.name}`);
  if (inv.os) lines.push(`OS:    ${inv.os.prettyName ?? `${inv.os.id} ${inv.os.versionId ?? ''}`.trim()}${inv.os.distroless ? ' (distroless)' : ''}`);
  const rows = inv.packages.map((p) => [
    p.ecosystem,
    p.name,
    p.version || '-',
    p.sourceName && p.sourceName !== p.name ? p.sourceName : '',
    p.layerIndex !== undefined ? String(p.layerIndex + 1) : '',
    p.ownedBy ? `${p.ownedBy.name} (${p.ownedBy.ecosystem})` : p.fromLockfile ? 'lock file' : '',
    p.path,
  ]);
  const head = ['TYPE', 'NAME', 'VERSION', 'SOURCE', 'LAYER', 'OWNER', 'PATH'];
  const w = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd();
  lines.push('', fmt(head));
  for (const r of rows) lines.push(fmt(r));
  const counts = new Map<string, number>();
  for (const p of inv.packages) counts.set(p.ecosystem, (counts.get(p.ecosystem) ?? 0) + 1);
  lines.push('', `${inv.packages.length} packages${counts.size ? ` (${[...counts].map(([e, n]) => `${e} ${n}`).join(', ')})` : ''}`);
  return lines.join('\n');
}

/** The Report every SBOM format renders from: packages (without their file lists) and the inventory metadata. */
export function sbomReport(inv: InventoryReport, ref: string, extraWarnings: string[] = [], opts: { table?: boolean } = {}): Report {
  const packages: Package[] = withoutFileLists(inv.packages);
  const summary: Record<string, unknown> = { inventory: { os: inv.os, image: inv.image } };
  if (opts.table !== false) summary.text = packageTable({ ...inv, packages });
  return {
    tool: TOOL,
    targets: [{ type: 'image', name: inv.image?.name ?? ref, ref, id: inv.image?.configDigest }],
    findings: [],
    packages,
    summary,
    warnings: [...extraWarnings, ...inv.warnings],
  };
}

export interface SbomOptions extends ImageScanOptions {
  /** add the package table text (table output) */
  table?: boolean;
}

/** `bulwark sbom REF`: the image's packages as a Report. */
export async function sbom(ref: string, opts: SbomOptions = {}): Promise<Report> {
  const { table, ...scanOpts } = opts;
  // an SBOM or saved inventory in, another format out (CycloneDX <-> SPDX <-> json)
  if (ref.startsWith(SBOM_PREFIX)) {
    const inv = loadInventory(ref.slice(SBOM_PREFIX.length));
    return sbomReport({ ...inv, packages: selectPackages(inv.packages, opts.pkgTypes) }, ref, [], { table });
  }
  const { scan, inv } = await imageInventory(ref, scanOpts);
  return sbomReport(inv, ref, layerWarnings(scan), { table });
}

/**
 * An SBOM as an ImageIndex: its packages become the inventory (no layers, no image checks). The digest is the
 * image digest the SBOM names (Bulwark's own SBOMs carry it) or the SHA-256 of the document.
 */
export function indexSbom(doc: unknown, opts: { name?: string } = {}): ImageIndex {
  const { inventory, name: sbomName, digest: named, format } = inventoryFromSbom(doc);
  const digest = named && /^sha256:[0-9a-f]{64}$/.test(named) ? named : `sha256:${createHash('sha256').update(JSON.stringify(doc)).digest('hex')}`;
  const name = opts.name ?? sbomName ?? `sbom@${digest.slice(7, 19)}`;
  const counts: Record<string, number> = {};
  for (const p of inventory.packages) counts[p.ecosystem] = (counts[p.ecosystem] ?? 0) + 1;
  const os = inventory.os ? (inventory.os.prettyName ?? `${inventory.os.id}${inventory.os.versionId ? ` ${inventory.os.versionId}` : ''}`) : undefined;
  const eco = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const text = [`Image:    ${name} (from a ${format === 'cyclonedx' ? 'CycloneDX' : 'SPDX'} SBOM)`, ...(os ? [`OS:       ${os}`] : []),
    `Packages: ${inventory.packages.length}${eco.length ? ` (${eco.map(([e, n]) => `${e} ${n}`).join(', ')})` : ''}`].join('\n');
  return {
    digest,
    ref: `sbom:${name}`,
    target: { type: 'sbom', name, ref: `sbom:${name}` },
    summary: { name, ref: `sbom:${name}`, kind: 'sbom', layers: [], files: 0, hiddenFiles: 0, packages: counts, ...(os ? { os } : {}) },
    summaryText: text,
    inventory: { ...inventory, packages: withoutFileLists(inventory.packages), image: { name, ref: `sbom:${name}`, kind: 'sbom', layers: [] } },
    findings: [],
    warnings: [],
  };
}
