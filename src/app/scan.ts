/**
 * `bulwark scan DIR`: the pipeline view of a project directory.
 *
 *   scanDirectory(root, label, cfg, opts)   every stage a directory shows -> one Report
 *
 * The directory is walked once (.gitignore honoured); then
 *  - Dockerfiles and compose files go through the project analyzers (analyzers/project.ts);
 *  - lock files and manifests (inventory/lockfiles) are matched against the vulnerability database with the same
 *    matchers as an image's packages; without a database this part is skipped with one warning saying how to
 *    get one, and everything else still runs;
 *  - the pipeline model (analyzers/pipeline/model.ts) is assembled: project secrets (image secret rules, .gitignore
 *    honoured), each Dockerfile's build context (.dockerignore honoured) and its COPY/ADD instructions, the compose
 *    services that build or run images; the pipeline rules (BW-PIPELINE-NNN) run over it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { BulwarkConfig } from '../core/config.js';
import type { Finding, Severity, Stage } from '../core/finding.js';
import { isSeverity, SEVERITIES, severityRank, STAGES } from '../core/finding.js';
import { InputError } from '../core/errors.js';
import { z } from 'zod';
import type { Report, ReportError, Target } from '../core/report.js';
import { TOOL } from '../core/version.js';
import { isDockerfileName, scanProject, walkProject } from '../analyzers/project.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { contextCopies } from '../analyzers/pipeline/copies.js';
import { contextFiles, filesCoveredBy, readDockerignore, SecretScanner } from '../analyzers/pipeline/secrets.js';
import type { BuildCopy, PipelineModel, Workload } from '../analyzers/pipeline/model.js';
import { checkPipeline } from '../analyzers/pipeline/index.js';
import { applyServiceExposure, type ProjectK8sObject } from '../analyzers/pipeline/k8s-services.js';
import { bySeverity, countText, pipelineText, topFixes, type TopFix } from '../analyzers/pipeline/top-fixes.js';
import { priorityOf } from '../analyzers/pipeline/correlate.js';
import type { ImageIndex } from './image.js';
import type { RegistryOptions } from '../sources/registry.js';
import { isComposeFileName } from '../runtime/compose/load.js';
import { loadComposeSpecs } from '../runtime/compose/normalize.js';
import { loadK8sText, looksLikeK8s, MAX_MANIFEST_BYTES } from '../runtime/k8s.js';
import { readYamlText } from '../runtime/yaml.js';
import { buildSettings } from '../analyzers/build/settings.js';
import { registryPolicy } from '../registry/allowed.js';
import { LineFinder, projectInventory, type LockfileSummary } from '../inventory/lockfiles/project.js';
import { lockfileReader } from '../inventory/lockfiles/index.js';
import type { InventoryReport } from '../inventory/types.js';
import { dbPath } from '../vulndb/paths.js';
import { maxAgeFromConfig, vulnerabilityFindings } from '../vulndb/findings.js';
import { selectPackages, skipMatcher, type PkgTypes, type Scanners, type SkipSpec } from '../core/selectors.js';
import { licenseFindings } from '../analyzers/license/index.js';

export interface ScanVulnOptions {
  cacheDir?: string;
  /** explicit database file */
  dbFile?: string;
  ignoreUnfixed?: boolean;
  vexFiles?: string[];
  maxAgeDays?: number;
  explain?: boolean;
}

export interface ScanImagesOptions {
  /** `--image [SERVICE=]REF`: scan REF, as the image of SERVICE (or of the services that name REF) */
  explicit?: Array<{ service?: string; ref: string }>;
  /** scan the images compose services name (`image:`, or `<project>-<service>` for `build:`) found in the local engine (default true) */
  auto?: boolean;
  cacheDir?: string;
  /** registry trust and credentials (`--insecure-registry`, `--ca-cert`, ...) for registry references */
  registry?: RegistryOptions;
  /** a line per image scanned (progress on stderr) */
  onImage?: (ref: string) => void;
}

export interface ScanDirectoryOptions {
  /** false: do not match lock files against the vulnerability database */
  vulnerabilities?: ScanVulnOptions | false;
  /** false: no image scans at all */
  images?: ScanImagesOptions | false;
  /**
   * --scanners: vuln (lock files and images matched), secret (project secrets, secrets COPY bakes in, image
   * secrets), misconfig (Dockerfiles, compose, Kubernetes, CI files; image configuration and file checks), license
   * (lock file and image packages). Default: all but license.
   */
  scanners?: Partial<Scanners>;
  /** --pkg-types: lock file packages are `library`; images keep the selected types */
  pkgTypes?: PkgTypes;
  /** --skip-dirs / --skip-files: project paths (relative to the scanned directory) no analyzer reads */
  skip?: SkipSpec;
  /** --list-all-pkgs: the report lists every lock file package */
  listAllPkgs?: boolean;
  /**
   * `--base-candidates`: identify the base of each scanned image and propose the candidate base that removes the
   * most of its vulnerabilities without a major version change (src/app/base-image.ts); `newer` alone asks only
   * the base's registry for newer tags
   */
  baseCandidates?: string[];
  /** `--live`: add the engine's containers that run the project's workloads (src/app/live.ts) */
  live?: { host?: string } | false;
}

/** `--image` values: `REF` or `SERVICE=REF` (a ref holds no '=' before its first '/' or ':'). */
export function parseImageOption(v: string): { service?: string; ref: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(v);
  return m ? { service: m[1], ref: m[2]! } : { ref: v };
}

interface ImageScanResult {
  /** each image scanned for the workloads, with its index (base image advice reads it) */
  scanned: Array<{ ref: string; imageName?: string; index: ImageIndex; findings: Finding[]; workloads: Workload[] }>;
  findings: Finding[];
  targets: Target[];
  warnings: string[];
  errors: ReportError[];
}

/**
 * Scan the images the workloads run: explicit ones (any image source), then those compose names, read from the
 * local engine only (an automatic scan never pulls). Each workload learns the name its image's findings carry.
 */
export async function scanWorkloadImages(
  workloads: Workload[],
  opts: ScanImagesOptions,
  vulns: ScanVulnOptions | false,
  cfg: BulwarkConfig,
  select: { scanners?: Partial<Scanners>; pkgTypes?: PkgTypes } = {},
): Promise<ImageScanResult> {
  const res: ImageScanResult = { scanned: [], findings: [], targets: [], warnings: [], errors: [] };
  const plan = new Map<string, { explicit: boolean; workloads: Workload[] }>();
  const add = (ref: string, explicit: boolean, w?: Workload) => {
    const e = plan.get(ref) ?? { explicit, workloads: [] };
    e.explicit ||= explicit;
    if (w) e.workloads.push(w);
    plan.set(ref, e);
  };
  const bound = new Set<Workload>();
  const svcName = (w: Workload) => w.spec.service ?? w.spec.name;
  for (const x of opts.explicit ?? []) {
    const ws = x.service ? workloads.filter((w) => svcName(w) === x.service) : workloads.filter((w) => w.image && (w.image === x.ref || `docker:${w.image}` === x.ref));
    if (x.service && !ws.length) res.warnings.push(`--image ${x.service}=${x.ref}: no compose service '${x.service}' in the project`);
    ws.forEach((w) => bound.add(w));
    if (ws.length) ws.forEach((w) => add(x.ref, true, w));
    else add(x.ref, true);
  }
  if (opts.auto !== false) {
    for (const w of workloads) {
      if (bound.has(w)) continue;
      const name = w.image ?? (w.dockerfile && w.project ? `${w.project}-${svcName(w)}` : undefined);
      if (name) add(`docker:${name}`, false, w);
    }
  }
  if (!plan.size) return res;
  const { auditImage } = await import('./image.js');
  for (const [ref, p] of plan) {
    opts.onImage?.(ref);
    try {
      const { report, index } = await auditImage(ref, {
        cacheDir: opts.cacheDir,
        config: cfg,
        registry: opts.registry,
        vulnerabilities: vulns === false ? false : { ...vulns },
        ...(select.scanners ? { scanners: select.scanners } : {}),
        ...(select.pkgTypes ? { pkgTypes: select.pkgTypes } : {}),
      });
      const name = report.findings.find((f) => f.location.kind === 'image')?.location;
      const imageName = name?.kind === 'image' ? name.image : report.targets[0]?.name;
      for (const w of p.workloads) w.imageName = imageName;
      res.scanned.push({ ref, imageName, index, findings: report.findings, workloads: p.workloads });
      res.findings.push(...report.findings);
      res.targets.push(...report.targets.map((t) => ({ ...t, ...(p.workloads.length ? { workloads: p.workloads.map((w) => w.label) } : {}) })));
      res.warnings.push(...(report.warnings ?? []).map((w) => `${ref}: ${w}`));
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0]!;
      if (p.explicit) res.errors.push({ kind: 'input', target: ref, message: msg });
      else res.warnings.push(`${ref.replace(/^docker:/, '')} (${p.workloads.map((w) => w.label).join(', ')}): not scanned (${msg.slice(0, 160)}); build it or pass --image`);
    }
  }
  return res;
}

/** The one line a scan without a database prints (the scan itself goes on). */
export function noDatabaseWarning(path: string, lockfiles: number, packages: number): string {
  return (
    `no vulnerability database at ${path}: ${packages} package(s) in ${lockfiles} lock file(s) were not checked; ` +
    `get one with 'bulwark db update' (offline: 'bulwark db update --source PATH')`
  );
}

export interface DependencyScan {
  findings: Finding[];
  warnings: string[];
  lockfiles: LockfileSummary[];
  inventory: InventoryReport;
  /** false when there was no database (or matching was turned off) */
  matched: boolean;
}

/**
 * Lock files under `root` -> vulnerability findings located at the lock file line that pins the package
 * (stage `build`: they are the project's inputs, before any image exists).
 */
export function dependencyFindings(root: string, files: string[], label: string, opts: ScanVulnOptions | false, cfg?: BulwarkConfig, pkgTypes?: PkgTypes): DependencyScan {
  const read = projectInventory(root, files, label);
  const lockfiles = read.lockfiles;
  const inventory = { ...read.inventory, packages: selectPackages(read.inventory.packages, pkgTypes) };
  const warnings = [...inventory.warnings];
  const base = { findings: [] as Finding[], lockfiles, inventory };
  if (opts === false || inventory.packages.length === 0) return { ...base, warnings, matched: false };
  const file = opts.dbFile ?? dbPath(opts.cacheDir);
  if (!opts.dbFile && !existsSync(file)) {
    warnings.push(noDatabaseWarning(file, lockfiles.length, inventory.packages.length));
    return { ...base, warnings, matched: false };
  }
  const res = vulnerabilityFindings(inventory, { ...opts, maxAgeDays: opts.maxAgeDays ?? maxAgeFromConfig(cfg) });
  warnings.push(...res.warnings);
  const finders = new Map<string, LineFinder | undefined>();
  for (const f of res.findings) {
    if (f.location.kind !== 'image' || !f.location.path || !f.vulnerability) continue;
    const rel = f.location.path;
    if (!finders.has(rel)) {
      try {
        finders.set(rel, new LineFinder(readFileSync(join(root, rel.split('/').join(sep)), 'utf8')));
      } catch {
        finders.set(rel, undefined);
      }
    }
    const pkg = f.vulnerability.package;
    const line = finders.get(rel)?.line(pkg.name, pkg.version) ?? 1;
    f.location = { kind: 'file', file: rel, line, column: 1 };
    f.stage = 'build';
  }
  return { ...base, findings: res.findings, warnings, matched: true };
}

const toRel = (root: string, abs: string): string | undefined => {
  const r = relative(root, abs);
  return r.startsWith('..') || isAbsolute(r) ? undefined : r.split(sep).join('/');
};

/** Compose services and Kubernetes workload containers of the project: what runs which image, built from where. */
export function projectWorkloads(root: string, files: string[], warnings: string[]): Workload[] {
  const out: Workload[] = [];
  const k8sObjects: ProjectK8sObject[] = [];
  for (const rel of files) {
    if (/\.ya?ml$/i.test(rel) && !isComposeFileName(rel.slice(rel.lastIndexOf('/') + 1))) {
      out.push(...k8sWorkloads(root, rel, k8sObjects));
      continue;
    }
    if (!isComposeFileName(rel.slice(rel.lastIndexOf('/') + 1))) continue;
    let load;
    try {
      load = loadComposeSpecs({ files: [join(root, rel.split('/').join(sep))] });
    } catch {
      continue; // the compose analyzer reports why
    }
    for (const spec of load.specs) {
      const name = spec.service ?? spec.name;
      const svc = load.project.services[name] as { build?: unknown } | undefined;
      let dockerfile: string | undefined;
      const b = svc?.build;
      const ctx = typeof b === 'string' ? b : b && typeof b === 'object' && typeof (b as { context?: unknown }).context === 'string' ? (b as { context: string }).context : undefined;
      let context: string | undefined;
      if (ctx && !/^[a-z]+:\/\//.test(ctx)) {
        const ctxAbs = resolve(dirname(join(root, rel.split('/').join(sep))), ctx);
        const dfName = b && typeof b === 'object' && typeof (b as { dockerfile?: unknown }).dockerfile === 'string' ? (b as { dockerfile: string }).dockerfile : 'Dockerfile';
        dockerfile = toRel(root, resolve(ctxAbs, dfName));
        context = toRel(root, ctxAbs);
        if (!dockerfile || context === undefined) warnings.push(`${rel}: service ${name} builds from ${ctx}, outside the scanned directory`);
      }
      out.push({ label: `service ${name} (${rel})`, spec, image: spec.image, dockerfile, context, project: load.project.name });
    }
  }
  applyServiceExposure(out, k8sObjects);
  return out;
}

/** The containers of a Kubernetes manifest file (recognised by content, as the k8s project analyzer does). */
function k8sWorkloads(root: string, rel: string, objects: ProjectK8sObject[]): Workload[] {
  let text: string;
  try {
    text = readYamlText(join(root, rel.split('/').join(sep)), 'YAML file', MAX_MANIFEST_BYTES);
  } catch {
    return [];
  }
  if (!looksLikeK8s(text) || /\{\{[-\s]/.test(text)) return [];
  try {
    const load = loadK8sText(text, rel);
    for (const o of load.objects) if (o.service || o.ingressBackends) objects.push({ ...o, file: rel });
    return load.specs.map((spec) => {
      const wl = spec.workload;
      const label = wl ? `${wl.kind} ${wl.name} container ${wl.container} (${rel})` : `container ${spec.name} (${rel})`;
      return { label, spec, image: spec.image };
    });
  } catch {
    return []; // the k8s analyzer reports why
  }
}

/**
 * Every Dockerfile's COPY/ADD instructions with the secrets they would bake into the image. A Dockerfile's context
 * is its directory, or the `build.context` of the compose services that build it.
 */
export function buildCopies(root: string, files: string[], workloads: Workload[], scanner: Pick<SecretScanner, 'file'>, warnings: string[], skip?: (rel: string) => boolean): BuildCopy[] {
  const out: BuildCopy[] = [];
  const contexts = new Map<string, string[]>();
  for (const rel of files.filter(isDockerfileName)) {
    let text: string;
    try {
      text = readFileSync(join(root, rel.split('/').join(sep)), 'utf8');
    } catch {
      continue;
    }
    if (text.length > 1024 * 1024 || text.includes('\u0000')) continue; // the build analyzer reports it
    const copies = contextCopies(parseDockerfile(text, rel));
    if (!copies.length) continue;
    const ctxs = new Set<string>();
    for (const w of workloads) if (w.dockerfile === rel && w.context !== undefined) ctxs.add(w.context);
    if (!ctxs.size) ctxs.add(rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
    for (const ctx of ctxs) {
      const ctxAbs = join(root, ctx.split('/').join(sep));
      const ign = readDockerignore(ctxAbs, join(root, rel.split('/').join(sep)));
      const key = `${ctx}\u0000${ign.file ?? ''}`;
      let list = contexts.get(key);
      if (!list) {
        list = contextFiles(ctxAbs, ign.text, warnings);
        if (skip) list = list.filter((f) => !skip(ctx ? `${ctx}/${f}` : f));
        contexts.set(key, list);
      }
      for (const c of copies) {
        const covered = filesCoveredBy(c.sources, list);
        const rootRel = covered.map((f) => (ctx ? `${ctx}/${f}` : f));
        const secrets = rootRel.flatMap((f) => scanner.file(f));
        const lockfiles = rootRel.filter((f) => lockfileReader(f));
        out.push({ dockerfile: rel, ...c, context: ctx, dockerignore: ign.file ? toRel(root, ign.file) : undefined, secrets, lockfiles });
      }
    }
  }
  return out;
}

/** Licence findings of lock file packages (npm's package-lock v2+ records each package's licence), at the pinning line. */
function lockfileLicenseFindings(root: string, packages: InventoryReport['packages']): Finding[] {
  const finders = new Map<string, LineFinder | undefined>();
  const findings = licenseFindings(packages, (p) => {
    if (!finders.has(p.path)) {
      try {
        finders.set(p.path, new LineFinder(readFileSync(join(root, p.path.split('/').join(sep)), 'utf8')));
      } catch {
        finders.set(p.path, undefined);
      }
    }
    return { kind: 'file', file: p.path, line: finders.get(p.path)?.line(p.name, p.version) ?? 1, column: 1 };
  });
  for (const f of findings) f.stage = 'build';
  return findings;
}

/**
 * Base image advice for every scanned image: its base (identifyBase) and the best candidate (adviseBase), as a top
 * fix "upgrade base image X → Y" whose score is the priority of the vulnerabilities it removes.
 */
async function baseImageFixes(scanned: ImageScanResult['scanned'], candidates: string[], model: PipelineModel, vulns: ScanVulnOptions, cfg: BulwarkConfig, registry?: RegistryOptions): Promise<{ fixes: TopFix[]; warnings: string[]; bases: Array<Record<string, unknown>> }> {
  const b = await import('./base-image.js');
  const warnings: string[] = [];
  const fixes: TopFix[] = [];
  const bases: Array<Record<string, unknown>> = [];
  const scan = b.candidateScanner({ cacheDir: vulns.cacheDir, config: cfg, registry, vulnerabilities: { ...vulns } });
  const explicit = candidates.filter((c) => c !== 'newer');
  for (const s of scanned) {
    const image = s.imageName ?? s.ref;
    const base = await b.identifyBase(s.index);
    const entry: Record<string, unknown> = { image, base: base.name ?? null, method: base.method, baseLayers: base.layers };
    bases.push(entry);
    if (base.method === 'none' || base.layers === 0) {
      warnings.push(`base image of ${image}: not identified (no base annotation, no known image whose layers it starts with); --base-candidates not applied`);
      continue;
    }
    const all = [...new Set([...explicit, ...(await b.newerRegistryTags(base.name, (w) => warnings.push(w), registry))])];
    const advice = await b.adviseBase(image, model.findings, base, all, scan);
    for (const sk of advice?.skipped ?? []) warnings.push(`base image candidate ${sk.ref} for ${image}: ${sk.why}`);
    if (!advice) continue;
    entry.advice = { candidate: advice.candidate, removes: advice.removed.length, adds: advice.added };
    const where = s.workloads.find((w) => w.dockerfile)?.dockerfile ?? `image ${image}`;
    fixes.push({
      title: `upgrade base image ${base.name ?? `of ${image}`} → ${advice.candidate}`,
      where,
      removes: { findings: advice.removed.length, bySeverity: bySeverity(advice.removed) },
      effect: `removes ${countText(advice.removed, 'vulnerability', 'vulnerabilities')}${advice.added ? `, adds ${advice.added}` : ''}`,
      score: advice.removed.reduce((a, f) => a + priorityOf(f, model).score, 0),
      ruleIds: [...new Set(advice.removed.map((f) => f.ruleId))],
    });
  }
  return { fixes, warnings, bases };
}

/** Whether a vulnerability database is there to match against (an explicit --db file is always used). */
function dbUsable(v: ScanVulnOptions | false | undefined): boolean {
  if (v === false) return false;
  return Boolean(v?.dbFile) || existsSync(dbPath(v?.cacheDir));
}

/** `bulwark scan DIR` (root absolute; label is how the directory is named in the report). */
export async function scanDirectory(root: string, label: string, cfg: BulwarkConfig, opts: ScanDirectoryOptions = {}): Promise<Report> {
  buildSettings(cfg); // a bad `build:` section is a usage error, not a per-file warning
  registryPolicy(cfg); // so is a bad allowedRegistries entry
  const sel = { vuln: true, secret: true, misconfig: true, license: false, ...opts.scanners };
  const skip = skipMatcher(opts.skip);
  const walkWarnings: string[] = [];
  const files = await walkProject(root, walkWarnings, skip);
  // misconfig off: no Dockerfile, compose, Kubernetes or CI file analyzer reads anything
  const project = await scanProject(root, cfg, sel.misconfig ? undefined : [], { files, warnings: walkWarnings });
  const vulnOpts = sel.vuln ? (opts.vulnerabilities ?? {}) : false;
  const deps = dependencyFindings(root, files, label, vulnOpts, cfg, opts.pkgTypes);
  if (sel.license) deps.findings.push(...lockfileLicenseFindings(root, deps.inventory.packages));
  const pipelineWarnings: string[] = [];
  const scanner: Pick<SecretScanner, 'file' | 'scanned'> = sel.secret ? new SecretScanner(root, cfg) : { file: () => [], scanned: 0 };
  const workloads = projectWorkloads(root, files, pipelineWarnings);
  const images: ImageScanResult =
    opts.images === false
      ? { scanned: [], findings: [], targets: [], warnings: [], errors: [] }
      : await scanWorkloadImages(workloads, opts.images ?? {}, dbUsable(vulnOpts) ? vulnOpts || {} : false, cfg, { scanners: sel, ...(opts.pkgTypes ? { pkgTypes: opts.pkgTypes } : {}) });
  const live = opts.live ? await (await import('./live.js')).liveWorkloads(workloads, opts.live) : undefined;
  if (live) workloads.push(...live.workloads);
  const model: PipelineModel = {
    dockerfiles: files.filter(isDockerfileName),
    secrets: files.flatMap((f) => scanner.file(f)),
    copies: buildCopies(root, files, workloads, scanner, pipelineWarnings, skip),
    workloads,
    findings: [...project.findings, ...deps.findings, ...images.findings],
  };
  const findings = checkPipeline(model);
  const registry = opts.images ? opts.images.registry : undefined;
  const base = opts.baseCandidates && dbUsable(vulnOpts) ? await baseImageFixes(images.scanned, opts.baseCandidates, model, vulnOpts || {}, cfg, registry) : undefined;
  const fixes = topFixes(findings, model, 5, base?.fixes);
  const text = pipelineText(findings, fixes);
  const targets: Target[] = [
    { type: 'directory', name: label },
    ...project.targets,
    ...deps.lockfiles.map((l) => ({ type: 'lockfile', name: l.path, format: l.format, ecosystem: l.ecosystem, packages: l.packages })),
    ...images.targets,
    ...(live?.workloads ?? []).map((w) => ({ type: 'container', name: w.spec.container ?? w.spec.name, image: w.spec.image, state: w.live!.state, workloads: w.live!.workloads })),
  ];
  return {
    tool: { ...TOOL },
    targets,
    findings,
    ...(opts.listAllPkgs ? { packages: deps.inventory.packages } : {}),
    baseDir: root,
    warnings: [
      ...project.warnings,
      ...deps.warnings,
      ...pipelineWarnings,
      ...images.warnings,
      ...(live?.warnings ?? []),
      ...(base?.warnings ?? []),
      ...(opts.baseCandidates && !base ? ['--base-candidates: needs the vulnerability database (bulwark db update); no base image advice'] : []),
    ],
    ...(images.errors.length ? { errors: images.errors } : {}),
    summary: {
      filesAnalysed: project.targets.length + deps.lockfiles.length,
      lockfiles: deps.lockfiles.length,
      packages: deps.inventory.packages.length,
      vulnerabilitiesChecked: deps.matched,
      secretsScannedFiles: scanner.scanned,
      workloads: workloads.length,
      imagesScanned: images.targets.length,
      ...(live ? { liveContainers: live.workloads.length } : {}),
      ...(base ? { baseImages: base.bases } : {}),
      topFixes: fixes,
      ...(text ? { text } : {}),
    },
  };
}

/** `fail-on` per stage: `.bulwark.yaml` `fail-on: {image: critical, runtime: high}` (or one level for every stage). */
export type FailOn = Partial<Record<Stage, Severity>>;

const failOnSchema = z.union([z.string(), z.record(z.string(), z.string())]);

function failOnLevel(v: string, where: string): Severity {
  const s = v.trim().toLowerCase().replace(/\+$/, '');
  if (!isSeverity(s)) throw new InputError(`${where}: unknown severity '${v}' (use ${SEVERITIES.join(', ')})`);
  return s;
}

/** `--fail-on high` (every stage) or `--fail-on image=critical,runtime=high`; config `fail-on:` the same as a map. */
export function parseFailOn(spec: string | Record<string, string> | undefined, where = '--fail-on'): FailOn | undefined {
  if (spec === undefined) return undefined;
  const out: FailOn = {};
  const entries: Array<[string | undefined, string]> =
    typeof spec === 'string'
      ? spec.split(',').map((p) => p.trim()).filter(Boolean).map((p) => (p.includes('=') ? (p.split('=', 2) as [string, string]) : [undefined, p]))
      : Object.entries(spec);
  for (const [stage, level] of entries) {
    const sev = failOnLevel(level, where);
    if (stage === undefined || stage === '*' || stage === 'all') for (const s of STAGES) out[s] = sev;
    else {
      const st = stage.trim().toLowerCase();
      if (!(STAGES as readonly string[]).includes(st)) throw new InputError(`${where}: unknown stage '${stage}' (use ${STAGES.join(', ')})`);
      out[st as Stage] = sev;
    }
  }
  return out;
}

export function failOnFromConfig(cfg: BulwarkConfig): FailOn | undefined {
  const raw = (cfg as Record<string, unknown>)['fail-on'];
  if (raw === undefined) return undefined;
  const r = failOnSchema.safeParse(raw);
  if (!r.success) throw new InputError(`config ${cfg.__path ?? '.bulwark.yaml'}: fail-on: a severity or a map stage -> severity`);
  return parseFailOn(r.data, `config fail-on`);
}

export interface GateFailure {
  stage: Stage;
  threshold: Severity;
  count: number;
  worst: Severity;
}

/** The stages whose unsuppressed findings reach their fail-on level (an `unknown` severity never reaches a named level above it). */
export function gateFailures(findings: Finding[], failOn: FailOn): GateFailure[] {
  const out: GateFailure[] = [];
  for (const stage of STAGES) {
    const threshold = failOn[stage];
    if (!threshold) continue;
    const hits = findings.filter(
      (f) => f.stage === stage && !f.suppressed && severityRank(f.severity) >= severityRank(threshold) && (f.severity !== 'unknown' || threshold === 'unknown' || threshold === 'info'),
    );
    if (hits.length) out.push({ stage, threshold, count: hits.length, worst: hits.reduce<Severity>((a, f) => (severityRank(f.severity) > severityRank(a) ? f.severity : a), hits[0]!.severity) });
  }
  return out;
}
