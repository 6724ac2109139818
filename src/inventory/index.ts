/**
 * The package inventory of an image: run the detectors through the layer walker (`inventoryAnalyzers`),
 * then `buildInventory(scan)` coalesces their per-layer, per-file outputs into the final package list.
 *
 * - Final packages come from the final filesystem only: a database or manifest file deleted (whiteout, opaque dir)
 *   or replaced later counts as it is in the final image; for dpkg/apk/rpm the database in its topmost layer.
 * - The introducing layer of a package is the lowest layer from which the same package (same evidence file,
 *   name, version, arch) is present in every later version of that file, without a gap.
 * - Ownership: a language package whose evidence file (or its directory) is listed in an OS package's file list
 *   gets `ownedBy` (Debian's python3-urllib3 ships urllib3's egg-info; nodejs/npm ship node_modules).
 */
import type { ImageScan, LayerAnalyzer } from '../image/types.js';
import type { DetectedPackage, DetectorOutput, Ecosystem, InventoryReport, OsInfo, Package } from './types.js';
import { osAnalyzer, pickOs } from './os/index.js';
import { dpkgAnalyzer, DPKG_STATUS, DPKG_STATUS_D } from './dpkg/index.js';
import { apkAnalyzer } from './apk/index.js';
import { rpmAnalyzer } from './rpm/index.js';
import { nodeAnalyzer } from './node/index.js';
import { pythonAnalyzer } from './python/index.js';
import { goAnalyzer } from './golang/index.js';
import { javaAnalyzer } from './java/index.js';
import { purlFor } from './purl.js';

export type { InventoryReport, Package, OsInfo, Ecosystem } from './types.js';
export { purlFor, formatPurl, pep503 } from './purl.js';

export const inventoryAnalyzers: LayerAnalyzer[] = [
  osAnalyzer, dpkgAnalyzer, apkAnalyzer, rpmAnalyzer, nodeAnalyzer, pythonAnalyzer, goAnalyzer, javaAnalyzer,
] as LayerAnalyzer[];

const OS_ECOSYSTEMS = new Set<Ecosystem>(['deb', 'apk', 'rpm']);

function pkgKey(p: DetectedPackage, path: string): string {
  return `${p.ecosystem}\u0000${p.name}\u0000${p.version}\u0000${p.arch ?? ''}\u0000${p.path ?? path}`;
}

function underAny(path: string, set: Set<string>, includeSelf: boolean): boolean {
  if (set.size === 0) return false;
  if (includeSelf && set.has(path)) return true;
  let i = path.lastIndexOf('/');
  while (i > 0) {
    if (set.has(path.slice(0, i))) return true;
    i = path.lastIndexOf('/', i - 1);
  }
  return false;
}

function asOutput(v: unknown): DetectorOutput | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as DetectorOutput) : undefined;
}

/**
 * For each analyzer: path -> package key -> introducing layer, for the files of the final filesystem.
 * Walks the layers bottom-up, resetting a path when a layer deletes it, hides it, or writes it again without
 * (some of) the same packages. All analyzers in one walk: a layer's entries are looked at once, for the paths
 * some analyzer holds (an image's layers list ~100,000 entries; the analyzers hold their evidence files).
 */
function introLayers(scan: ImageScan, analyzers: string[]): Map<string, Map<string, Map<string, number>>> {
  const states = new Map<string, Map<string, Map<string, number>>>();
  for (const a of analyzers) states.set(a, new Map());
  /** path -> how many analyzers' states hold it */
  const held = new Map<string, number>();
  const release = (path: string) => {
    const n = held.get(path)! - 1;
    if (n === 0) held.delete(path);
    else held.set(path, n);
  };
  scan.layers.forEach((L, i) => {
    if (held.size) {
      const wh = new Set(L.whiteouts);
      const op = new Set(L.opaqueDirs);
      const written = new Set<string>();
      for (const e of L.entries) if (held.has(e.path)) written.add(e.path);
      for (const [analyzer, state] of states) {
        if (!state.size) continue;
        for (const p of [...state.keys()]) {
          if (underAny(p, wh, true) || underAny(p, op, false) || written.has(p)) {
            if (!(written.has(p) && L.analyses[analyzer]?.[p] !== undefined)) {
              state.delete(p);
              release(p);
            }
          }
        }
      }
    }
    for (const [analyzer, state] of states) {
      for (const [path, raw] of Object.entries(L.analyses[analyzer] ?? {})) {
        const out = asOutput(raw);
        const prev = state.get(path);
        const next = new Map<string, number>();
        for (const p of out?.packages ?? []) {
          const k = pkgKey(p, path);
          next.set(k, prev?.get(k) ?? i);
        }
        if (!prev) held.set(path, (held.get(path) ?? 0) + 1);
        state.set(path, next);
      }
    }
  });
  return states;
}

/** The detector outputs of the final filesystem for one analyzer: path -> output. */
function finalOutputs(scan: ImageScan, analyzer: string): Map<string, DetectorOutput> {
  const out = new Map<string, DetectorOutput>();
  for (let i = 0; i < scan.layers.length; i++) {
    for (const [path, raw] of Object.entries(scan.layers[i]!.analyses[analyzer] ?? {})) {
      const f = scan.final.get(path);
      if (!f || f.layerIndex !== (scan.layers[i]!.layer.index ?? i)) continue;
      const o = asOutput(raw);
      if (o) out.set(path, o);
    }
  }
  return out;
}

/** usr-merged systems list /lib/x and /bin/x in dpkg while the files live in usr/lib, usr/bin (and the reverse). */
function mergedAliases(path: string): string[] {
  const m = /^usr\/((?:s?bin|lib(?:32|64|x32)?)\/.*)$/.exec(path);
  if (m) return [m[1]!];
  if (/^(?:s?bin|lib(?:32|64|x32)?)\//.test(path)) return ['usr/' + path];
  return [];
}

const ownerIndexes = new WeakMap<InventoryReport, Map<string, Package>>();

/** path (normalised, no leading '/') -> the OS package whose file list has it. */
export function fileOwners(inv: InventoryReport): Map<string, Package> {
  let idx = ownerIndexes.get(inv);
  if (idx) return idx;
  idx = new Map();
  for (const p of inv.packages) {
    if (!OS_ECOSYSTEMS.has(p.ecosystem) || !p.files) continue;
    for (const f of p.files) if (!idx.has(f)) idx.set(f, p);
  }
  ownerIndexes.set(inv, idx);
  return idx;
}

/** The OS package that installed `path` (also across the usr-merge aliases), if any. */
export function ownerOf(inv: InventoryReport, path: string): Package | undefined {
  const idx = fileOwners(inv);
  const p = path.replace(/^\/+/, '');
  return idx.get(p) ?? mergedAliases(p).map((a) => idx.get(a)).find(Boolean);
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function buildInventory(scan: ImageScan): InventoryReport {
  const warnings: string[] = [];
  // the uncompressed content digest when known: the same for a layer read from the engine, a docker save tar or an
  // OCI layout with recompressed blobs
  const layerDigest = (i: number) => {
    const l = scan.layers.find((x, k) => (x.layer.index ?? k) === i)?.layer;
    return l?.diffId ?? l?.digest;
  };

  // OS
  const osFound: Array<{ path: string; os: Omit<OsInfo, 'evidence'> }> = [];
  for (const [path, o] of finalOutputs(scan, osAnalyzer.name)) if (o.os) osFound.push({ path, os: o.os });
  let os = pickOs(osFound);
  const hasStatusD = [...scan.final.keys()].some((p) => p.startsWith(DPKG_STATUS_D));
  if (hasStatusD && !scan.final.has(DPKG_STATUS) && !scan.final.has('usr/bin/dpkg')) {
    os = os ? { ...os, distroless: true } : { id: 'debian', distroless: true, evidence: DPKG_STATUS_D };
  }

  const packages: Package[] = [];
  const incomplete: NonNullable<InventoryReport['incomplete']> = [];
  const fileLists = new Map<string, string[]>();
  const intros = introLayers(scan, inventoryAnalyzers.filter((a) => a !== osAnalyzer).map((a) => a.name));
  for (const a of inventoryAnalyzers) {
    if (a === osAnalyzer) continue;
    const intro = intros.get(a.name)!;
    for (const [path, o] of finalOutputs(scan, a.name)) {
      for (const w of o.warnings ?? []) warnings.push(w);
      if (o.fileList) fileLists.set(o.fileList.pkg, o.fileList.files);
      const layerOf = scan.final.get(path)!.layerIndex;
      if (o.incomplete) incomplete.push({ path, ...o.incomplete, layerIndex: layerOf });
      for (const d of o.packages ?? []) {
        const li = intro.get(path)?.get(pkgKey(d, path)) ?? layerOf;
        const p: Package = { ...d, path: d.path ?? path, purl: '', layerIndex: li } as Package;
        const dg = layerDigest(li);
        if (dg) p.layerDigest = dg;
        packages.push(p);
      }
    }
  }

  // dpkg file lists: "name:arch" (multi-arch same) or "name"
  if (fileLists.size) {
    for (const p of packages) {
      if (p.ecosystem !== 'deb') continue;
      const files = fileLists.get(`${p.name}:${p.arch}`) ?? fileLists.get(p.name);
      if (files) p.files = files;
    }
  }

  // lock-file entries that are installed next to their lock file are the same package: keep the installed one
  const installedNpm = new Map<string, string[]>();
  for (const p of packages) {
    if (p.ecosystem !== 'npm' || p.fromLockfile) continue;
    const k = `${p.name}@${p.version}`;
    const list = installedNpm.get(k);
    if (list) list.push(p.path);
    else installedNpm.set(k, [p.path]);
  }
  const kept = packages.filter((p) => {
    if (!p.fromLockfile) return true;
    const paths = installedNpm.get(`${p.name}@${p.version}`);
    if (!paths) return true;
    const d = dirOf(p.path);
    const prefix = (d ? d + '/' : '') + 'node_modules/';
    return !paths.some((q) => q.startsWith(prefix));
  });

  const inv: InventoryReport = { packages: kept, warnings };
  if (os) inv.os = os;
  if (incomplete.length) inv.incomplete = incomplete;
  const img = scan.image;
  inv.image = {
    name: img.name,
    ref: img.ref,
    kind: img.kind,
    configDigest: img.configDigest,
    manifestDigest: img.manifestDigest,
    layers: scan.layers.map((l, k) => ({
      index: l.layer.index ?? k,
      digest: l.layer.digest,
      diffId: l.layer.diffId,
      size: l.uncompressedSize,
      createdBy: l.layer.createdBy,
    })),
  };

  // ownership of language packages by OS packages
  for (const p of kept) {
    if (OS_ECOSYSTEMS.has(p.ecosystem)) continue;
    const evidence = p.path.split('!')[0]!;
    let owner = ownerOf(inv, evidence);
    if (!owner && (p.ecosystem === 'pypi' || p.ecosystem === 'npm')) owner = ownerOf(inv, dirOf(evidence));
    if (owner) p.ownedBy = { ecosystem: owner.ecosystem, name: owner.name };
  }
  // lock files that an OS package ships (Debian's /usr/share/nodejs/*/pnpm-lock.yaml ...) describe how that library
  // was developed, not what is installed: leave them out
  const final = kept.filter((p) => !(p.fromLockfile && p.ownedBy));
  inv.packages = final;
  for (const p of final) p.purl = purlFor(p, inv.os);
  final.sort(comparePackages);
  return inv;
}

const ECO_ORDER: Ecosystem[] = ['deb', 'apk', 'rpm', 'golang', 'maven', 'npm', 'pypi'];
export function comparePackages(a: Package, b: Package): number {
  return (
    ECO_ORDER.indexOf(a.ecosystem) - ECO_ORDER.indexOf(b.ecosystem) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  );
}
