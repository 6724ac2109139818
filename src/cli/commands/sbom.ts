/**
 * `bulwark sbom REF --format cyclonedx|spdx|json|table`: the package inventory of an image as an SBOM.
 * REF is anything `bulwark image` accepts (docker:NAME, docker save tar, OCI layout, dir:PATH, rootfs:FILE).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../main.js';
import { emitReport, type ReportOptions } from '../output.js';
import { analyzeImage } from '../../image/pipeline.js';
import type { ImageScan } from '../../image/types.js';
import { buildInventory, type InventoryReport } from '../../inventory/index.js';
import type { Package } from '../../inventory/types.js';
import { TOOL } from '../../core/version.js';
import type { Report } from '../../core/report.js';
import { InputError } from '../../core/errors.js';
import { progressPrinter } from './image.js';
import { addRegistryOptions, registryOptionsFrom, type RegistryCliOptions } from '../registry-options.js';
import type { RegistryOptions } from '../../sources/registry.js';
import '../../report/cyclonedx.js';
import '../../report/spdx.js';

export const SBOM_FORMATS = ['cyclonedx', 'spdx', 'json', 'table'];

interface Opts extends ReportOptions, RegistryCliOptions {
  platform?: string;
  cacheDir?: string;
  cache?: boolean;
}

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
  const packages: Package[] = inv.packages.map(({ files: _files, ...p }) => p);
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

export async function inventoryOf(ref: string, opts: { platform?: string; cacheDir?: string; noCache?: boolean; registry?: RegistryOptions } = {}): Promise<{ scan: ImageScan; inv: InventoryReport }> {
  const progress = progressPrinter();
  let scan: ImageScan;
  try {
    scan = await analyzeImage(ref, { ...opts, onProgress: progress.onProgress });
  } finally {
    progress.end();
  }
  return { scan, inv: buildInventory(scan) };
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('sbom')
    .description('list the packages of an image as an SBOM (CycloneDX 1.6 or SPDX 2.3 JSON, json, table)')
    .argument('<ref>', 'image reference: docker:NAME[:TAG], a docker save tar, an OCI layout, dir:PATH, rootfs:FILE')
    .addOption(new Option('-f, --format <format>', `output format (${SBOM_FORMATS.join(', ')})`).default('cyclonedx'))
    .option('-o, --output <file>', 'write the SBOM to a file instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default linux/amd64)')
    .option('--cache-dir <dir>', 'cache directory (default: $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark)')
    .option('--no-cache', 'do not read or write the layer cache');
  addRegistryOptions(cmd).action(async (ref: string, opts: Opts) => {
      const format = opts.format === 'spdx-json' ? 'spdx' : opts.format ?? 'cyclonedx';
      if (!SBOM_FORMATS.includes(format)) throw new InputError(`unknown SBOM format '${opts.format}' (${SBOM_FORMATS.join(', ')})`);
      const registry = await registryOptionsFrom(opts, ref, { noCache: opts.cache === false });
      const { scan, inv } = await inventoryOf(ref, { platform: opts.platform, cacheDir: opts.cacheDir, noCache: opts.cache === false, registry });
      const layerWarnings = scan.layers.flatMap((l) => l.warnings.map((w) => `layer ${l.layer.index + 1}: ${w}`));
      const report = sbomReport(inv, ref, layerWarnings, { table: format === 'table' });
      ctx.setExitCode(emitReport(report, { format, output: opts.output }));
    });
}
