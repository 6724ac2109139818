/**
 * The image use cases, in claircore's two halves:
 *
 *   indexImage(ref, opts)            open + walk once -> ImageIndex (inventory, layers, base/app split, image checks)
 *   vulnerabilityReport(inv, opts)   match an inventory against the current database -> findings + warnings
 *                                    (image-vulnerabilities.ts: the matchers load only when a match is made)
 *   imageReport(index, vulns?)       the Report `bulwark image` prints (one assembly, local scan or server)
 *   auditImage(ref, opts)            the three in a row: what `bulwark image REF` does
 *   imageInventory(ref, opts)        the walk + inventory only (sbom, why, benches)
 *
 * An ImageIndex is plain JSON: the server stores it and re-matches it against every new database, and
 * `bulwark image --server` rebuilds the same Report from it without touching the image again.
 */
import { createHash } from 'node:crypto';
import type { BulwarkConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import type { Report, Target } from '../core/report.js';
import { TOOL } from '../core/version.js';
import type { ScanProgress } from '../image/scan.js';
import type { ImageScan } from '../image/types.js';
import type { OpenedImage, ImageSourceOptions } from '../sources/types.js';
import { openImage, sourceOf, type SourceInfo } from '../sources/index.js';
import type { RegistryOptions } from '../sources/registry.js';
import type { SignatureVerdict } from '../registry/cosign.js';
import type { InventoryReport, Package } from '../inventory/types.js';
// the base/app attribution and origin split only: the checks themselves (every image rule, the secret engine) load
// when a scan runs them, not when a cached result is reused
import { attributeLayers, baseIndexDir, loadLayerIndex, originOfLayer, originSplit, recordScannedImage, type LayerAttribution } from '../analyzers/image/attribution.js';
import type { VulnScanOptions } from '../vulndb/findings.js';
import { keptMatchResult, matchCacheKey, type MatchCache } from '../vulndb/match-cache.js';
// the vulnerability settings the image command reads, from here: app/vulnerabilities.ts also loads the database updater
export { maxAgeFromConfig, severitySourcesFrom } from '../vulndb/settings.js';
import type { VulnStore } from '../vulndb/store.js';
import { checkDbFile } from '../vulndb/db-file.js';
import { dbPath } from '../vulndb/paths.js';
import { UserError } from '../core/errors.js';
import { timed } from '../core/timing.js';
import { cacheRoot } from '../image/cache.js';
import { lastScanStats } from '../image/stats.js';
import { prestartWalkers } from '../image/prestart.js';
import { selectPackages, type PkgTypes, type Scanners, type SkipSpec } from '../core/selectors.js';
import { applyRefinement, clockFacts, imageIdentity, ImageResultCache, imageResultKey, imageState, refinementOf, type ImageResult, type ImageResultKey } from './image-cache.js';

export interface ImageScanOptions {
  /** os/arch[/variant] of a multi-platform image (default linux/amd64) */
  platform?: string;
  cacheDir?: string;
  /** neither read nor write the layer cache, the image result cache nor the base-image layer index */
  noCache?: boolean;
  onProgress?: (e: ScanProgress) => void;
  /** layers walked at once (random-access sources); default 2 */
  concurrency?: number;
  /** registry credentials, trust and limits (registry references and bare names) */
  registry?: RegistryOptions;
  /** --skip-dirs / --skip-files: paths no analyzer reads */
  skip?: SkipSpec;
  /** --pkg-types: the packages kept in the inventory (and so matched); default both */
  pkgTypes?: PkgTypes;
}

export interface IndexImageOptions extends ImageScanOptions {
  /** run the secret, file and configuration checks and the base/app attribution (default true) */
  checks?: boolean;
  /** the .bulwark.yaml in force (image check settings, custom secret rules) */
  config?: BulwarkConfig;
  /** clock for age-based checks (tests) */
  now?: Date;
  /** verify the image's cosign signature with this public key file (registry images) */
  signature?: { key: string; required: boolean };
  /**
   * --scanners: `secret` / `misconfig` false leave out the secret checks / the configuration and file checks (and
   * their layer analyzers); `license` true adds the licence findings. Default: secret and misconfig, no licence.
   */
  scanners?: Partial<Scanners>;
  /** called once while the walk waits on a walker thread: the caller may load what it needs next (ScanOptions.onIdle) */
  onIdle?: () => void;
}

/** One layer as the index records it. */
export interface IndexedLayer {
  index: number;
  digest: string;
  diffId?: string;
  size: number;
  blobSize?: number;
  entries: number;
  createdBy?: string;
}

/** The image summary: `report.summary` of `bulwark image` (before the origin split). */
export interface ImageSummary {
  name: string;
  ref: string;
  kind: string;
  id?: string;
  platform?: string;
  created?: string;
  os?: string;
  layers: IndexedLayer[];
  files: number;
  hiddenFiles: number;
  /** package count per ecosystem */
  packages: Record<string, number>;
  /** which source answered (engine, registry, file...) and, for bare names, how the name resolved */
  source?: SourceInfo;
}

/** What indexing an image keeps: plain JSON, enough to match and report again without the image. */
export interface ImageIndex {
  /** the manifest digest (synthesised from config and layer digests for sources without a manifest) */
  digest: string;
  ref: string;
  target: Target;
  summary: ImageSummary;
  /** the summary as text (table output) */
  summaryText: string;
  /** the package inventory; packages carry no file lists */
  inventory: InventoryReport;
  /** which bottom layers come from the base image (undefined when checks were not run) */
  attribution?: LayerAttribution;
  /** image check findings (secrets, files, configuration) */
  findings: Finding[];
  /** problems met while walking the layers */
  warnings: string[];
  /** the cosign verdict, when a key was given */
  signature?: SignatureVerdict;
}

export interface VulnerabilityResult {
  findings: Finding[];
  warnings: string[];
}

export type VulnerabilityReportOptions = VulnScanOptions & {
  /** an open database to match against (a server keeps one open); default: open `dbFile` / the cache dir's */
  store?: VulnStore;
};

export interface AuditImageOptions extends IndexImageOptions {
  /** match against the vulnerability database (default); false: inventory and checks only */
  vulnerabilities?: VulnerabilityReportOptions | false;
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

/** What the summary reads of a walk: per layer its entries and uncompressed bytes, the final and hidden file counts. */
export interface ScanCounts {
  layers: Array<{ entries: number; size: number }>;
  files: number;
  hiddenFiles: number;
}

export function scanCounts(scan: ImageScan): ScanCounts {
  return { layers: scan.layers.map((l) => ({ entries: l.entries.length, size: l.uncompressedSize })), files: scan.final.size, hiddenFiles: scan.hidden.length };
}

/** The image summary as data (report.summary) and as text (table output). */
export function imageSummary(scan: ImageScan, inv?: InventoryReport): { data: ImageSummary; text: string } {
  return summaryOf(scan.image, scanCounts(scan), inv);
}

function summaryOf(img: OpenedImage, counts: ScanCounts, inv?: InventoryReport): { data: ImageSummary; text: string } {
  const pkgCounts: Record<string, number> = {};
  for (const p of inv?.packages ?? []) pkgCounts[p.ecosystem] = (pkgCounts[p.ecosystem] ?? 0) + 1;
  const layers: IndexedLayer[] = img.layers.map((l, i) => ({
    index: l.index,
    digest: l.digest,
    diffId: l.diffId,
    size: counts.layers[i]!.size,
    blobSize: l.size,
    entries: counts.layers[i]!.entries,
    createdBy: l.createdBy,
  }));
  const os = inv?.os ? (inv.os.prettyName ?? `${inv.os.id}${inv.os.versionId ? ` ${inv.os.versionId}` : ''}`) : undefined;
  const data: ImageSummary = {
    name: img.name,
    ref: img.ref,
    kind: img.kind,
    id: img.configDigest,
    platform: img.platform,
    created: img.config.created,
    os,
    layers,
    files: counts.files,
    hiddenFiles: counts.hiddenFiles,
    packages: pkgCounts,
    source: sourceOf(img),
  };
  const lines: string[] = [];
  lines.push(`Image:    ${img.name}${img.repoTags.length > 1 ? `  (also ${img.repoTags.filter((t) => t !== img.name).join(', ')})` : ''}`);
  lines.push(`Source:   ${data.source!.text}`);
  if (img.configDigest) lines.push(`ID:       ${img.configDigest}`);
  if (img.platform) lines.push(`Platform: ${img.platform}`);
  if (os) lines.push(`OS:       ${os}`);
  if (img.config.created) lines.push(`Created:  ${img.config.created}`);
  const total = layers.reduce((a, l) => a + l.size, 0);
  lines.push(`Layers:   ${layers.length} (${formatBytes(total)} uncompressed, ${counts.files} files in the final filesystem, ${counts.hiddenFiles} hidden by later layers)`);
  for (const l of layers) {
    lines.push(`  ${String(l.index).padStart(3)}  ${formatBytes(l.size).padStart(8)}  ${(l.diffId ?? l.digest).slice(7, 19) || '-'.padEnd(12)}  ${oneLine(l.createdBy)}`);
  }
  if (inv) {
    const eco = Object.entries(pkgCounts).sort((a, b) => b[1] - a[1]);
    lines.push(`Packages: ${inv.packages.length}${eco.length ? ` (${eco.map(([e, n]) => `${e} ${n}`).join(', ')})` : ''}`);
  }
  return { data, text: lines.join('\n') };
}

/**
 * The digest an image is indexed under: its manifest digest when the source has one (OCI layout, registry),
 * else the digest of a canonical manifest-like document naming its config and layers (docker save, Engine
 * API, dir:, rootfs:), so the same image always gets the same key.
 */
export function imageDigest(image: Pick<OpenedImage, 'manifestDigest' | 'configDigest' | 'layers'>): string {
  if (image.manifestDigest) return image.manifestDigest;
  const doc = JSON.stringify({ config: image.configDigest ?? null, layers: image.layers.map((l) => l.diffId ?? l.digest) });
  return `sha256:${createHash('sha256').update(doc).digest('hex')}`;
}

/** Packages without their file lists: what reports and stored indexes keep. */
export function withoutFileLists(packages: Package[]): Package[] {
  return packages.map(({ files: _files, ...p }) => p);
}

/** Walk an image once with the package detectors and coalesce the inventory (file lists kept). */
export async function imageInventory(ref: string, opts: ImageScanOptions = {}): Promise<{ scan: ImageScan; inv: InventoryReport }> {
  const { pkgTypes, ...rest } = opts;
  const [{ analyzeImage }, { buildInventory }, { packageDetectors }] = await Promise.all([import('../image/pipeline.js'), import('../inventory/index.js'), import('./analyzers.js')]);
  const scan = await analyzeImage(ref, { ...rest, analyzers: [...packageDetectors] });
  const inv = buildInventory(scan);
  return { scan, inv: { ...inv, packages: selectPackages(inv.packages, pkgTypes) } };
}

/** The layer walker's warnings, one line per warning, prefixed with the layer (0-based, as in every location). */
export function layerWarnings(scan: ImageScan): string[] {
  return scan.layers.flatMap((l) => l.warnings.map((w) => `layer ${l.layer.index}: ${w}`));
}

/**
 * Walk the opened image and compute what an index keeps from its layers: the inventory, and unless `checks` is
 * false the image checks. The walker, the detectors and the checks load here, only
 * when a scan needs them.
 */
async function scanForIndex(image: OpenedImage, ref: string, opts: IndexImageOptions, how: { checks: boolean; secret: boolean; misconfig: boolean; now: Date }): Promise<ImageResult> {
  // the walker threads boot on the other core while this one loads the scan modules
  const walkers = prestartWalkers(image, opts.concurrency);
  const before = imageState(image);
  let scan: ImageScan;
  let buildInventory: typeof import('../inventory/index.js').buildInventory;
  try {
    const [{ scanOpened }, inventory, analyzers] = await timed('load the scan modules', () =>
      Promise.all([
        import('../image/pipeline.js'),
        import('../inventory/index.js'),
        import('./analyzers.js').then((m) => m.imageScanAnalyzers({ checks: how.checks, config: opts.config, secret: how.secret, misconfig: how.misconfig })),
      ]),
    );
    buildInventory = inventory.buildInventory;
    scan = await timed('walk layers and stack them', () => scanOpened(image, {
      cacheDir: opts.cacheDir,
      noCache: opts.noCache,
      onProgress: opts.onProgress,
      concurrency: opts.concurrency,
      ...(opts.skip ? { skip: opts.skip } : {}),
      ...(walkers ? { walkers } : {}),
      // the check rules (and, for a scan that matches next, the matcher) load while the main thread waits on a thread
      onIdle: () => {
        if (how.checks) void import('../analyzers/image/index.js').catch(() => undefined);
        if (opts.onIdle) opts.onIdle();
      },
      analyzers,
    }));
  } finally {
    // the scan stops them when its walk ends; this is for a scan that failed before
    if (walkers) await walkers.then((w) => w?.stop()).catch(() => undefined);
  }
  const fullInv = timed('build the inventory', () => buildInventory(scan));
  // the checks see every package (sudo installed is a finding whatever --pkg-types says); the report and the
  // matcher see the selected types only
  const inv = { ...fullInv, packages: selectPackages(fullInv.packages, opts.pkgTypes) };
  let findings: Finding[] = [];
  let attribution: LayerAttribution | undefined;
  if (how.checks) {
    const { runImageChecks } = await timed('load the check modules', () => import('../analyzers/image/index.js'));
    // attributed after the walk, which may have replaced the config (a one-pass engine stream)
    const res = timed('image checks', () => runImageChecks(scan, fullInv, opts.config ?? {}, { cacheDir: opts.cacheDir, noCache: opts.noCache, now: how.now, only: { secret: how.secret, misconfig: how.misconfig } }));
    findings = res.findings;
    attribution = res.attribution;
  }
  if (opts.scanners?.license) {
    const { imagePackageLocation, licenseFindings } = await import('../analyzers/license/index.js');
    findings = [...findings, ...licenseFindings(inv.packages, imagePackageLocation(image.name || ref))];
  }
  const refined = refinementOf(image, before);
  return {
    ...scanCounts(scan),
    inventory: { ...inv, packages: withoutFileLists(inv.packages) },
    ...(attribution ? { attribution } : {}),
    findings,
    warnings: layerWarnings(scan),
    ...(refined ? { refined } : {}),
  };
}

/** Which layers (with their sizes) a reused result stands for: every one from the cache, none streamed. */
function reportCachedLayers(image: OpenedImage, opts: IndexImageOptions, lastScanStats: { layersStreamed: number; layersFromCache: number; layersInWorkers: number }): void {
  lastScanStats.layersStreamed = 0;
  lastScanStats.layersFromCache = image.layers.length;
  lastScanStats.layersInWorkers = 0;
  const total = image.layers.length;
  let doneBytes = 0;
  const totalBytes = image.layers.every((l) => l.size !== undefined) ? image.layers.reduce((a, l) => a + l.size!, 0) : undefined;
  for (const l of image.layers) {
    doneBytes += l.size ?? 0;
    opts.onProgress?.({ layer: l.index, layers: total, bytes: l.size ?? 0, layerBytes: l.size, cached: true, done: true, doneBytes, ...(totalBytes !== undefined ? { totalBytes } : {}) });
  }
}

/**
 * Index an image: walk every layer once (cached per layer), build the inventory, and unless `checks` is false
 * run the image checks and the base/app attribution (which also records the image's layers in the cache's
 * base-image index, so a later image built on it is attributed by layer prefix). Unless `noCache`, the result is
 * kept in the image result cache (./image-cache.ts) and a rescan of the same image with the same code and
 * settings reuses it without walking, stacking or checking again.
 */
export async function indexImage(ref: string, opts: IndexImageOptions = {}): Promise<ImageIndex> {
  const secret = opts.scanners?.secret !== false;
  const misconfig = opts.scanners?.misconfig !== false;
  const checks = opts.checks !== false && (secret || misconfig);
  // one clock for the whole scan: the cache key and the age checks read the same instant
  const now = opts.now ?? new Date();
  const srcOpts: ImageSourceOptions = { tmpDir: cacheRoot(opts.cacheDir) };
  if (opts.platform) srcOpts.platform = opts.platform;
  if (opts.registry) srcOpts.registry = opts.registry;
  const image = await timed('open the image', () => openImage(ref, srcOpts));
  let result: ImageResult;
  let resultCache: { cache: ImageResultCache; key: ImageResultKey } | undefined;
  try {
    const baseDir = opts.noCache ? undefined : baseIndexDir(opts.cacheDir);
    // attributed from the base-image index as it is now, before the walk: part of the result cache's key (which
    // layers come from a base seen since is decided by the layer digests and names, the same before and after)
    const attribution = checks ? timed('attribute layers (base-image index)', () => attributeLayers({ image }, baseDir ? { index: loadLayerIndex(baseDir) } : {})) : undefined;
    // a layer without a content digest cannot be told from another: such an image is not cached
    const cacheable = !opts.noCache && image.layers.every((l) => /^sha256:[a-f0-9]{64}$/.test(l.diffId ?? l.digest));
    const cache = cacheable ? new ImageResultCache(opts.cacheDir) : undefined;
    const key = cache
      ? imageResultKey({
          identity: imageIdentity(ref, image),
          settings: { checks, secret, misconfig, license: Boolean(opts.scanners?.license), config: opts.config ?? {}, skip: opts.skip ?? null, pkgTypes: opts.pkgTypes ?? null },
          ...(attribution ? { attribution } : {}),
          clock: checks ? clockFacts(now, image) : null,
        })
      : undefined;
    if (cache && key) resultCache = { cache, key };
    const hit = cache && key ? cache.get(key) : undefined;
    if (hit && hit.layers.length === image.layers.length) {
      result = hit;
      applyRefinement(image, hit.refined);
      // what a scan with the checks does besides: keep this image in the base-image index
      if (checks && baseDir) recordScannedImage(baseDir, image);
      reportCachedLayers(image, opts, lastScanStats);
    } else {
      result = await scanForIndex(image, ref, opts, { checks, secret, misconfig, now });
      // the walk's layers, entries and analyses are garbage now (the result keeps only the inventory and the
      // findings): a collection here returns most of the heap before matching and the report (peak RSS)
      const { collectGarbage } = await import('../core/gc.js');
      timed('collect garbage', collectGarbage);
      if (cache && key) timed('keep the result in the image result cache', () => cache.put(key, result));
    }
  } finally {
    await image.close();
  }
  let findings = result.findings;
  let signature: SignatureVerdict | undefined;
  if (opts.signature) {
    // loaded on demand: the registry audit and cosign modules are not needed by a scan without --verify-signature
    const { imageSignature } = await import('./registry.js');
    const sig = await imageSignature(image, opts.signature.key, { registry: opts.registry, required: opts.signature.required });
    signature = sig.verdict;
    findings = [...findings, ...sig.findings];
  }
  const summary = summaryOf(image, result, result.inventory);
  const index: ImageIndex = {
    digest: imageDigest(image),
    ref,
    target: { type: 'image', name: image.name, ref, id: image.configDigest, platform: image.platform },
    summary: summary.data,
    summaryText: summary.text,
    inventory: result.inventory,
    ...(result.attribution ? { attribution: result.attribution } : {}),
    findings,
    warnings: result.warnings,
    ...(signature ? { signature } : {}),
  };
  if (resultCache) resultEntries.set(index, resultCache);
  return index;
}

/** The image result cache entry an index came from or went to: its vulnerability match is kept beside it. */
const resultEntries = new WeakMap<ImageIndex, { cache: ImageResultCache; key: ImageResultKey }>();

/** The match cache of an index's result entry (a rescan of an unchanged image against an unchanged database). */
function matchCacheOf(index: ImageIndex): MatchCache | undefined {
  const e = resultEntries.get(index);
  if (!e) return undefined;
  return { get: (db) => e.cache.getMatches(e.key, db), put: (db, r) => e.cache.putMatches(e.key, db, r) };
}

/** `sbom:FILE`: an image described by a saved inventory or a CycloneDX / SPDX JSON SBOM instead of its layers. */
export const SBOM_PREFIX = 'sbom:';

/**
 * Index a saved inventory or SBOM (`bulwark image sbom:FILE`): its packages and OS as the inventory, no layers,
 * no image checks (they need the image's files).
 */
export async function indexSavedInventory(ref: string): Promise<ImageIndex> {
  const file = ref.startsWith(SBOM_PREFIX) ? ref.slice(SBOM_PREFIX.length) : ref;
  // the SBOM readers load for an SBOM, not for every image
  const { loadInventoryDocument } = await import('../vulndb/saved-inventory.js');
  const { inv, kind } = loadInventoryDocument(file);
  const packages = withoutFileLists(inv.packages);
  const counts: Record<string, number> = {};
  for (const p of packages) counts[p.ecosystem] = (counts[p.ecosystem] ?? 0) + 1;
  const name = inv.image?.name ?? file;
  const os = inv.os ? (inv.os.prettyName ?? `${inv.os.id}${inv.os.versionId ? ` ${inv.os.versionId}` : ''}`) : undefined;
  const summary: ImageSummary = { name, ref, kind: 'sbom', id: inv.image?.configDigest, os, layers: [], files: 0, hiddenFiles: 0, packages: counts };
  const eco = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const text = [
    `SBOM:     ${file} (${kind})`,
    `Image:    ${name}`,
    ...(os ? [`OS:       ${os}`] : []),
    `Packages: ${packages.length}${eco.length ? ` (${eco.map(([e, n]) => `${e} ${n}`).join(', ')})` : ''}`,
  ].join('\n');
  const digest = `sha256:${createHash('sha256').update(JSON.stringify({ os: inv.os ?? null, packages: packages.map((p) => p.purl || `${p.ecosystem}/${p.name}@${p.version}`) })).digest('hex')}`;
  return {
    digest,
    ref,
    target: { type: 'image', name, ref, ...(inv.image?.configDigest ? { id: inv.image.configDigest } : {}) },
    summary,
    summaryText: text,
    inventory: { ...inv, packages },
    findings: [],
    warnings: [],
  };
}

/** Set base/app origin on vulnerability findings from the layer that introduced their package. */
export function markOrigins(index: ImageIndex, findings: Finding[]): void {
  const att = index.attribution;
  if (!att) return;
  for (const f of findings) {
    const digest = f.vulnerability?.package.layerDigest;
    if (!digest) continue;
    const layer = index.summary.layers.find((x) => x.diffId === digest || x.digest === digest);
    const origin = originOfLayer(att, layer?.index);
    if (origin) {
      f.origin = origin;
      f.vulnerability!.origin = origin;
    }
  }
}

/** The Report of `bulwark image`: image checks, then vulnerabilities (when matched), summary and origin split. */
export function imageReport(index: ImageIndex, vulns?: VulnerabilityResult): Report {
  const findings: Finding[] = [...index.findings];
  const warnings = [...index.warnings, ...index.inventory.warnings];
  if (vulns) {
    markOrigins(index, vulns.findings);
    findings.push(...vulns.findings);
    warnings.push(...vulns.warnings);
  }
  const split = index.attribution ? originSplit(index.attribution, index.summary.layers.length, findings) : undefined;
  let text = split ? `${index.summaryText}\nOrigin:   ${split.text}` : index.summaryText;
  if (index.signature) text += `\nSignature: ${index.signature.status}: ${index.signature.message}`;
  return {
    tool: TOOL,
    targets: [index.target],
    findings,
    packages: index.inventory.packages,
    summary: {
      ...index.summary,
      ...(split ? { origin: split } : {}),
      ...(index.signature ? { signature: index.signature } : {}),
      inventory: { os: index.inventory.os, image: index.inventory.image },
      // present when vulnerabilities were matched (the summary's counts then include the vulnerability part)
      ...(vulns ? { vulnerabilities: vulns.findings.filter((f) => f.vulnerability).length } : {}),
      text,
    },
    warnings,
  };
}

/** Throws the database's UserError, with the way to scan without it (--no-vulns). */
export function checkVulnerabilityDatabase(file: string): void {
  try {
    checkDbFile(file);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${e.message}; or scan without vulnerability matching: --no-vulns`, e.exitCode);
    throw e;
  }
}

/** `bulwark image REF`: index, match, report. */
export async function auditImage(ref: string, opts: AuditImageOptions = {}): Promise<{ report: Report; index: ImageIndex }> {
  // a missing or unusable database is found before the image is read (which can take minutes), not after
  const vopts = opts.vulnerabilities;
  if (vopts !== false) timed('check vulnerability database', () => checkVulnerabilityDatabase(vopts?.dbFile ?? dbPath(vopts?.cacheDir ?? opts.cacheDir)));
  let index: ImageIndex;
  if (ref.startsWith(SBOM_PREFIX)) {
    const saved = await timed('read SBOM', () => indexSavedInventory(ref));
    const packages = selectPackages(saved.inventory.packages, opts.pkgTypes);
    let license: Finding[] = [];
    if (opts.scanners?.license) {
      const { imagePackageLocation, licenseFindings } = await import('../analyzers/license/index.js');
      license = licenseFindings(packages, imagePackageLocation(saved.target.name));
    }
    index = { ...saved, inventory: { ...saved.inventory, packages }, findings: [...saved.findings, ...license] };
  } else {
    // the matcher's modules load while the walk waits on a thread, when it does
    const onIdle = vopts === false ? undefined : () => void import('./image-vulnerabilities.js').catch(() => undefined);
    index = await timed('index image (walk, inventory, checks)', () => indexImage(ref, onIdle ? { ...opts, onIdle } : opts));
  }
  const vulns = vopts === false ? undefined : await timed('match vulnerabilities', () => matchImage(index, { cacheDir: opts.cacheDir, ...vopts }));
  return { report: imageReport(index, vulns), index };
}

/**
 * The image's vulnerabilities: the match kept beside its result when the database and the options are unchanged
 * (without loading the matchers or SQLite), else a match (kept for the next rescan).
 */
async function matchImage(index: ImageIndex, vopts: VulnerabilityReportOptions): Promise<VulnerabilityResult> {
  const matchCache = vopts.store ? undefined : matchCacheOf(index);
  if (matchCache) {
    const key = matchCacheKey(vopts.dbFile ?? dbPath(vopts.cacheDir), vopts);
    const kept = key ? matchCache.get(key) : undefined;
    if (kept) return keptMatchResult(kept, vopts);
  }
  const { vulnerabilityReport } = await timed('load the matching modules', () => import('./image-vulnerabilities.js'));
  return vulnerabilityReport(index.inventory, { ...vopts, ...(matchCache ? { matchCache } : {}) });
}
