/**
 * `bulwark image REF`: what is inside an image, layer by layer — the summary (name, ID, platform,
 * created, layers with size and created-by, packages per ecosystem) plus findings once checks exist.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { UserError } from '../../core/errors.js';
import { addReportOptions, emitReport, type ReportOptions } from '../output.js';
import { analyzeImage } from '../../image/pipeline.js';
import type { ImageScan } from '../../image/types.js';
import type { ScanProgress } from '../../image/scan.js';
import { buildInventory, type InventoryReport } from '../../inventory/index.js';
import { TOOL } from '../../core/version.js';
import type { Report } from '../../core/report.js';
import type { Finding } from '../../core/finding.js';
import { imagePipelineAnalyzers } from '../../image/pipeline.js';
import { imageContentAnalyzersFor, originOfLayer, originSplit, runImageChecks } from '../../analyzers/image/index.js';
import { maxAgeFromConfig, vulnerabilityFindings } from '../../vulndb/index.js';
import { resolveConfig } from '../output.js';
import { sourceOf } from '../../sources/index.js';
import { addRegistryOptions, addSignatureOptions, registryOptionsFrom, type RegistryCliOptions, type SignatureCliOptions } from '../registry-options.js';
import { verifyImageSignature } from '../../registry/verify.js';
import { loadPublicKey } from '../../registry/cosign.js';

interface Opts extends ReportOptions, RegistryCliOptions, SignatureCliOptions {
  platform?: string;
  cacheDir?: string;
  cache?: boolean;
  /** false with --no-vulns */
  vulns?: boolean;
  /** false with --no-checks */
  checks?: boolean;
  ignoreUnfixed?: boolean;
  explain?: boolean;
  vex?: string[];
  maxAge?: string;
  db?: string;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${u[i]}`;
}

function oneLine(s: string | undefined, max = 90): string {
  if (!s) return '';
  const t = s.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The image summary as data (report.summary) and as text (table output). */
export function imageSummary(scan: ImageScan, inv?: InventoryReport): { data: Record<string, unknown>; text: string } {
  const img = scan.image;
  const counts: Record<string, number> = {};
  for (const p of inv?.packages ?? []) counts[p.ecosystem] = (counts[p.ecosystem] ?? 0) + 1;
  const layers = scan.layers.map((l) => ({
    index: l.layer.index,
    digest: l.layer.digest,
    diffId: l.layer.diffId,
    size: l.uncompressedSize,
    blobSize: l.layer.size,
    entries: l.entries.length,
    createdBy: l.layer.createdBy,
  }));
  const os = inv?.os ? (inv.os.prettyName ?? `${inv.os.id}${inv.os.versionId ? ` ${inv.os.versionId}` : ''}`) : undefined;
  const data: Record<string, unknown> = {
    name: img.name,
    ref: img.ref,
    kind: img.kind,
    source: sourceOf(img),
    id: img.configDigest,
    platform: img.platform,
    created: img.config.created,
    os,
    layers,
    files: scan.final.size,
    hiddenFiles: scan.hidden.length,
    packages: counts,
  };
  const lines: string[] = [];
  lines.push(`Image:    ${img.name}${img.repoTags.length > 1 ? `  (also ${img.repoTags.filter((t) => t !== img.name).join(', ')})` : ''}`);
  lines.push(`Source:   ${sourceOf(img).text}`);
  if (img.configDigest) lines.push(`ID:       ${img.configDigest}`);
  if (img.platform) lines.push(`Platform: ${img.platform}`);
  if (os) lines.push(`OS:       ${os}`);
  if (img.config.created) lines.push(`Created:  ${img.config.created}`);
  const total = layers.reduce((a, l) => a + l.size, 0);
  lines.push(`Layers:   ${layers.length} (${formatBytes(total)} uncompressed, ${scan.final.size} files in the final filesystem, ${scan.hidden.length} hidden by later layers)`);
  for (const l of layers) {
    lines.push(`  ${String(l.index + 1).padStart(3)}  ${formatBytes(l.size).padStart(8)}  ${(l.diffId ?? l.digest).slice(7, 19) || '-'.padEnd(12)}  ${oneLine(l.createdBy)}`);
  }
  if (inv) {
    const eco = Object.entries(counts).sort((a, b) => b[1] - a[1]);
    lines.push(`Packages: ${inv.packages.length}${eco.length ? ` (${eco.map(([e, n]) => `${e} ${n}`).join(', ')})` : ''}`);
  }
  return { data, text: lines.join('\n') };
}

/** Progress on stderr when it is a terminal: layer n/N and bytes read. */
export function progressPrinter(): { onProgress?: (e: ScanProgress) => void; end(): void } {
  if (!process.stderr.isTTY) return { end() {} };
  let last = 0;
  let shown = false;
  return {
    onProgress(e: ScanProgress) {
      const now = Date.now();
      if (!e.done && now - last < 100) return;
      last = now;
      const size = e.layerBytes ? ` / ${formatBytes(e.layerBytes)}` : '';
      process.stderr.write(`\r\x1b[Klayer ${e.layer + 1}/${e.layers}${e.cached ? ' (cached)' : ''}  ${formatBytes(e.bytes)}${size}`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('image')
    .description('scan an image: docker:NAME, a docker save tar, an OCI layout (dir or tar), dir:PATH or rootfs:FILE.tar[.gz]')
    .argument('<ref>', 'image reference')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default linux/amd64)')
    .option('--cache-dir <dir>', 'cache directory (default: $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark)')
    .option('--no-cache', 'do not read or write the layer cache')
    .option('--no-vulns', 'inventory and image checks only: do not match packages against the vulnerability database')
    .option('--no-checks', 'skip the secret, file and configuration checks')
    .option('--ignore-unfixed', 'leave out vulnerabilities that have no fix yet')
    .option('--explain', 'add the evidence chain to every vulnerability finding (file -> package -> advisory -> comparison -> status)')
    .option('--vex <file>', 'OpenVEX document; not_affected statements suppress (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--max-age <days>', 'warn when the vulnerability database is older than this (default 7)')
    .option('--db <file>', 'vulnerability database file (default: <cache dir>/db/vuln.db)');
  addRegistryOptions(cmd);
  addSignatureOptions(cmd);
  addReportOptions(cmd, { formats: ['table', 'json', 'sarif', 'cyclonedx', 'spdx'] }).action(async (ref: string, opts: Opts) => {
    const cfg = resolveConfig(opts);
    const maxAgeDays = opts.maxAge !== undefined ? Number(opts.maxAge) : maxAgeFromConfig(cfg);
    if (maxAgeDays !== undefined && !(maxAgeDays > 0)) throw new UserError(`--max-age takes a positive number of days, got '${opts.maxAge}'`);
    const checks = opts.checks !== false;
    if (opts.requireSignature && !opts.key) throw new UserError('--require-signature needs --key <cosign.pub>');
    if (opts.key) loadPublicKey(opts.key); // a bad key file fails before any download
    const registry = await registryOptionsFrom(opts, ref, { noCache: opts.cache === false });
    const progress = progressPrinter();
    let scan: ImageScan;
    try {
      scan = await analyzeImage(ref, {
        registry,
        platform: opts.platform,
        cacheDir: opts.cacheDir,
        noCache: opts.cache === false,
        onProgress: progress.onProgress,
        analyzers: checks ? [...imagePipelineAnalyzers, ...imageContentAnalyzersFor(cfg)] : imagePipelineAnalyzers,
      });
    } finally {
      progress.end();
    }
    const inv = buildInventory(scan);
    const findings: Finding[] = [];
    const warnings = [...scan.layers.flatMap((l) => l.warnings.map((w) => `layer ${l.layer.index + 1}: ${w}`)), ...inv.warnings];
    let attribution: ReturnType<typeof runImageChecks>['attribution'] | undefined;
    if (checks) {
      const res = runImageChecks(scan, inv, cfg, { cacheDir: opts.cacheDir, noCache: opts.cache === false });
      findings.push(...res.findings);
      attribution = res.attribution;
    }
    if (opts.vulns !== false) {
      const v = vulnerabilityFindings(inv, {
        cacheDir: opts.cacheDir,
        ...(opts.db ? { dbFile: opts.db } : {}),
        ...(opts.vex?.length ? { vexFiles: opts.vex } : {}),
        ignoreUnfixed: Boolean(opts.ignoreUnfixed),
        explain: Boolean(opts.explain),
        ...(maxAgeDays !== undefined ? { maxAgeDays } : {}),
      });
      for (const f of v.findings) {
        const origin = attribution && f.vulnerability ? originOfLayer(attribution, layerIndexOf(scan, f.vulnerability.package.layerDigest)) : undefined;
        if (origin) {
          f.origin = origin;
          f.vulnerability!.origin = origin;
        }
      }
      findings.push(...v.findings);
      warnings.push(...v.warnings);
    }
    let signature: Awaited<ReturnType<typeof verifyImageSignature>> | undefined;
    if (opts.key) {
      signature = await verifyImageSignature(scan.image, opts.key, { registry, required: Boolean(opts.requireSignature) });
      findings.push(...signature.findings);
    }
    const summary = imageSummary(scan, inv);
    const split = attribution ? originSplit(attribution, scan.image.layers.length, findings) : undefined;
    const text = split ? `${summary.text}\nOrigin:   ${split.text}` : summary.text;
    const report: Report = {
      tool: TOOL,
      targets: [{ type: 'image', name: scan.image.name, ref, id: scan.image.configDigest, platform: scan.image.platform, source: scan.image.kind }],
      findings,
      // file lists stay in the inventory; the report keeps packages small
      packages: inv.packages.map(({ files: _files, ...p }) => p),
      summary: { ...summary.data, ...(split ? { origin: split } : {}), ...(signature ? { signature: signature.verdict } : {}), inventory: { os: inv.os, image: inv.image }, text: signature ? `${text}\nSignature: ${signature.verdict.status}: ${signature.verdict.message}` : text },
      warnings,
    };
    const code = emitReport(report, opts, [], cfg);
    // --require-signature is a gate of its own: no valid signature fails it whatever the filters say
    ctx.setExitCode(opts.requireSignature && signature?.verdict.status !== 'valid' ? code || (opts.exitCode ?? 1) : code);
  });
}

function layerIndexOf(scan: ImageScan, digest: string | undefined): number | undefined {
  if (!digest) return undefined;
  const l = scan.image.layers.find((x) => x.diffId === digest || x.digest === digest);
  return l?.index;
}
