/**
 * What every image check sees: the walker's scan, the inventory (when the detectors ran), the config,
 * the base/app attribution, and helpers to read collected file facts and to make located findings.
 */
import { createRequire } from 'node:module';
import { configSection, type BulwarkConfig } from '../../core/config.js';
import type { Finding, ImageLocation } from '../../core/finding.js';
import { makeFinding, type FindingInit, type Rule, type RuleMeta } from '../../core/rule.js';
import type { FinalFile, ImageScan, LayerResult } from '../../image/types.js';
import type { InventoryReport, OsInfo } from '../../inventory/types.js';
import { originOfHistory, originOfLayer, type LayerAttribution } from './attribution.js';
import { FILES_ANALYZER, type FileFacts } from './files-analyzer.js';

const require = createRequire(import.meta.url);

/** `.bulwark.yaml` section `imageChecks` */
const makeImageChecksSchema = (z: typeof import('zod').z) =>
  z.object({
    /** BW-IMAGE-005 fires when the image is older than this */
    maxAgeDays: z.number().int().positive().default(365),
    /** BW-IMAGE-019 fires when hidden (wasted) bytes reach this */
    wastedBytesMin: z.number().int().nonnegative().default(10 * 1024 * 1024),
    /** how many offenders BW-IMAGE-019 lists */
    wastedTop: z.number().int().positive().default(10),
    /** rule ids to skip */
    disable: z.array(z.string()).default([]),
  });
export type ImageChecksSettings = ReturnType<ReturnType<typeof makeImageChecksSchema>['parse']>;
let schema: ReturnType<typeof makeImageChecksSchema> | undefined;

/** The `imageChecks` section's schema; zod loads when a config has that section, not on every scan. */
export function imageChecksSchema(): ReturnType<typeof makeImageChecksSchema> {
  return (schema ??= makeImageChecksSchema((require('zod') as typeof import('zod')).z));
}

/** The settings of a config without an `imageChecks` section: the schema's defaults (a test holds them equal). */
export function defaultImageChecksSettings(): ImageChecksSettings {
  return { maxAgeDays: 365, wastedBytesMin: 10 * 1024 * 1024, wastedTop: 10, disable: [] };
}

export interface CheckOptions {
  /** the current time (tests pin it) */
  now?: Date;
  /** Bulwark cache dir, for the base-image layer index */
  cacheDir?: string;
  /** a precomputed attribution (otherwise computed from the scan and the cache dir) */
  attribution?: LayerAttribution;
}

export interface OwnedFile {
  manager: 'dpkg' | 'apk' | 'inventory';
  pkg: string;
  /** layers in which the owning package's file list (dpkg .list, apk installed db) was written */
  layers: Set<number>;
}

/** What an image rule says about one finding: `makeFinding`'s fields, with the location given as layer/path/line/field. */
export type ImageFindingInit = Omit<FindingInit, 'location'> & {
  layerIndex?: number;
  path?: string;
  line?: number;
  field?: string;
  historyIndex?: number;
  origin?: 'base' | 'app';
};

export class ImageCheckContext {
  readonly imageName: string;
  private layerByIndex = new Map<number, LayerResult>();
  private ownersCache?: Map<string, OwnedFile>;

  constructor(
    readonly scan: ImageScan,
    readonly inventory: InventoryReport | undefined,
    readonly cfg: BulwarkConfig,
    readonly settings: ImageChecksSettings,
    readonly att: LayerAttribution,
    readonly now: Date,
  ) {
    this.imageName = scan.image.name || scan.image.ref;
    scan.layers.forEach((l, i) => this.layerByIndex.set(l.layer.index ?? i, l));
  }

  static settingsFrom(cfg: BulwarkConfig): ImageChecksSettings {
    if ((cfg as Record<string, unknown>).imageChecks === undefined) return defaultImageChecksSettings();
    return configSection(cfg, 'imageChecks', imageChecksSchema())!;
  }

  layer(index: number): LayerResult | undefined {
    return this.layerByIndex.get(index);
  }

  layerDigest(index: number | undefined): string | undefined {
    if (index === undefined) return undefined;
    return this.layer(index)?.layer.digest ?? this.scan.image.layers[index]?.digest;
  }

  /** per analyzer, per layer: its outputs by path as a Map (checks look up every final file; a Map lookup does not intern the path first, as a property lookup does) */
  private outputs = new Map<string, Map<number, Map<string, unknown>>>();

  /** an analyzer's output for `path` in layer `index` */
  analysis<T>(analyzer: string, index: number, path: string): T | undefined {
    let byLayer = this.outputs.get(analyzer);
    if (!byLayer) this.outputs.set(analyzer, (byLayer = new Map()));
    let m = byLayer.get(index);
    if (!m) {
      const rec = this.layer(index)?.analyses?.[analyzer];
      byLayer.set(index, (m = new Map(rec ? Object.entries(rec) : [])));
    }
    return m.get(path) as T | undefined;
  }

  /** the collected text of a file of the final filesystem */
  finalText(path: string): string | undefined {
    const f = this.scan.final.get(path);
    if (!f) return undefined;
    const facts = this.analysis<FileFacts>(FILES_ANALYZER, f.layerIndex, path);
    return facts?.kind === 'text' ? facts.text : undefined;
  }

  finalFile(path: string): FinalFile | undefined {
    return this.scan.final.get(path);
  }

  private finalList?: { paths: string[]; files: FinalFile[] };

  /**
   * The final filesystem as two arrays in the map's order, its paths and their files, made once: the file rules each
   * go through every entry of an image (about 150,000 in an application image), and an indexed loop over arrays
   * costs a fraction of iterating the map's entry pairs.
   */
  finalEntries(): { readonly paths: readonly string[]; readonly files: readonly FinalFile[] } {
    if (!this.finalList) {
      const paths: string[] = [];
      const files: FinalFile[] = [];
      for (const [p, f] of this.scan.final) {
        paths.push(p);
        files.push(f);
      }
      this.finalList = { paths, files };
    }
    return this.finalList;
  }

  /** OS info: the inventory's, else parsed from the final filesystem */
  os(): OsInfo | undefined {
    if (this.inventory?.os) return this.inventory.os;
    for (const p of ['etc/os-release', 'usr/lib/os-release']) {
      const t = this.finalText(p);
      if (!t) continue;
      const kv: Record<string, string> = {};
      for (const line of t.split('\n')) {
        const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
        if (m) kv[m[1]] = m[2].replace(/^["']|["']$/g, '');
      }
      if (!kv.ID) continue;
      const info: OsInfo = { id: kv.ID.toLowerCase(), evidence: p };
      if (kv.VERSION_ID) info.versionId = kv.VERSION_ID;
      if (kv.VERSION_CODENAME) info.codename = kv.VERSION_CODENAME;
      if (kv.PRETTY_NAME) info.prettyName = kv.PRETTY_NAME;
      if (kv.ID_LIKE) info.idLike = kv.ID_LIKE.split(/\s+/);
      // Debian's os-release has no point release; debian_version does
      if (info.id === 'alpine') {
        const ar = this.finalText('etc/alpine-release')?.trim();
        if (ar) info.versionId = ar;
      }
      return info;
    }
    const ar = this.finalText('etc/alpine-release')?.trim();
    if (ar) return { id: 'alpine', versionId: ar, evidence: 'etc/alpine-release' };
    const dv = this.finalText('etc/debian_version')?.trim();
    if (dv && /^\d/.test(dv)) return { id: 'debian', versionId: dv.split('.')[0], evidence: 'etc/debian_version' };
    return undefined;
  }

  /** which OS package owns each path (final state of the dpkg / apk databases, plus inventory file lists) */
  owners(): Map<string, OwnedFile> {
    return (this.ownersCache ??= this.collectOwners(undefined).owners);
  }

  /**
   * `owners()` for a few paths (and their usr-merge aliases): the same entries, without a map of every file the
   * packages list (tens of thousands on a Debian image); `any`: whether `owners()` has any entry at all.
   */
  ownersFor(paths: Iterable<string>): { ownerOf(path: string): OwnedFile | undefined; any: boolean } {
    const keep = new Set<string>();
    for (const p of paths) {
      keep.add(p);
      for (const a of usrMergeAliases(p)) keep.add(a);
    }
    const { owners, any } = this.collectOwners(keep);
    return { ownerOf: (path) => ownerThroughAliases(owners, path), any };
  }

  /** the owners of the paths in `keep` (every path when undefined); `any`: whether some path has an owner */
  private collectOwners(keep: Set<string> | undefined): { owners: Map<string, OwnedFile>; any: boolean } {
    const out = new Map<string, OwnedFile>();
    let any = false;
    const apkWritten = new Map<string, Set<number>>(); // path -> layers whose apk db listed it
    let finalApk: Record<string, string[]> | undefined;
    const apkFinal = this.scan.final.get('lib/apk/db/installed');
    const indices = [...this.layerByIndex.keys()].sort((a, b) => a - b);
    for (const idx of indices) {
      const byPath = this.layer(idx)?.analyses?.[FILES_ANALYZER] ?? {};
      for (const [path, v] of Object.entries(byPath)) {
        const facts = v as FileFacts;
        if (facts.kind !== 'owners') continue;
        if (facts.manager === 'apk') {
          for (const files of Object.values(facts.owners)) {
            for (const f of files) {
              if (keep && !keep.has(f)) continue;
              let s = apkWritten.get(f);
              if (!s) apkWritten.set(f, (s = new Set()));
              s.add(idx);
            }
          }
          if (apkFinal && apkFinal.layerIndex === idx) finalApk = facts.owners;
        } else {
          const fin = this.scan.final.get(path);
          if (!fin || fin.layerIndex !== idx) continue; // a list file later removed or rewritten
          for (const [pkg, files] of Object.entries(facts.owners)) {
            if (files.length) any = true;
            for (const f of files) {
              if (keep && !keep.has(f)) continue;
              const prev = out.get(f);
              if (prev) prev.layers.add(idx);
              else out.set(f, { manager: 'dpkg', pkg, layers: new Set([idx]) });
            }
          }
        }
      }
    }
    if (finalApk) {
      for (const [pkg, files] of Object.entries(finalApk)) {
        if (files.length) any = true;
        for (const f of files) if (!keep || keep.has(f)) out.set(f, { manager: 'apk', pkg, layers: apkWritten.get(f) ?? new Set() });
      }
    }
    // detectors that record file lists on packages (optional field)
    for (const p of this.inventory?.packages ?? []) {
      const files = p.files;
      if (!files || (p.ecosystem !== 'deb' && p.ecosystem !== 'apk' && p.ecosystem !== 'rpm')) continue;
      if (files.length) any = true;
      for (const f of files) {
        const key = f.replace(/^\/+/, '');
        if (keep && !keep.has(key)) continue;
        if (!out.has(key)) out.set(key, { manager: 'inventory', pkg: p.name, layers: new Set(p.layerIndex !== undefined ? [p.layerIndex] : []) });
      }
    }
    return { owners: out, any };
  }

  /** the owner of a path, also across the usr-merge aliases (bin/x == usr/bin/x) */
  ownerOf(path: string): OwnedFile | undefined {
    return ownerThroughAliases(this.owners(), path);
  }

  /** package names installed (inventory when present, else the dpkg/apk file lists) */
  installedOsPackages(): Map<string, { layerIndex?: number; ecosystem: string }> {
    const out = new Map<string, { layerIndex?: number; ecosystem: string }>();
    for (const p of this.inventory?.packages ?? []) {
      if (p.ecosystem === 'deb' || p.ecosystem === 'apk' || p.ecosystem === 'rpm') out.set(p.name, { layerIndex: p.layerIndex, ecosystem: p.ecosystem });
    }
    if (out.size === 0) {
      for (const o of this.owners().values()) {
        if (!out.has(o.pkg)) out.set(o.pkg, { layerIndex: o.layers.size ? Math.min(...o.layers) : undefined, ecosystem: o.manager });
      }
    }
    return out;
  }

  location(extra: Omit<ImageLocation, 'kind' | 'image'> = {}): ImageLocation {
    const loc: ImageLocation = { kind: 'image', image: this.imageName };
    if (extra.layerIndex !== undefined) {
      loc.layerIndex = extra.layerIndex;
      const d = extra.layerDigest ?? this.layerDigest(extra.layerIndex);
      if (d) loc.layerDigest = d;
    }
    if (extra.path !== undefined) loc.path = extra.path;
    if (extra.line !== undefined) loc.line = extra.line;
    if (extra.field !== undefined) loc.field = extra.field;
    return loc;
  }

  /**
   * A finding with its location and origin. `layerIndex` places it in a layer; `historyIndex` (for
   * config fields set by an instruction) decides the origin when there is no layer.
   */
  finding(meta: RuleMeta, init: ImageFindingInit): Finding {
    const { layerIndex, path, line, field, historyIndex, origin, ...rest } = init;
    const f = makeFinding(meta, { ...rest, location: this.location({ layerIndex, path, line, field }) });
    const o = origin ?? (layerIndex !== undefined ? originOfLayer(this.att, layerIndex) : originOfHistory(this.att, historyIndex));
    f.origin = o ?? 'app';
    return f;
  }

  /** the last history entry whose created_by matches, as (index) */
  historyIndexOf(re: RegExp): number | undefined {
    const h = this.scan.image.config.history ?? [];
    for (let i = h.length - 1; i >= 0; i--) if (re.test(h[i].created_by ?? '')) return i;
    return undefined;
  }
}

/** An image rule: `export default defineRule<ImageCheckContext>(meta, check)` */
export type ImageRule = Rule<ImageCheckContext>;

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${u[i]}`;
}

/** The other spelling of a path on a usr-merged system: usr/bin/x <-> bin/x (also sbin, lib, lib32, lib64, libx32). */
function usrMergeAliases(path: string): string[] {
  const m = /^usr\/((?:s?bin|lib(?:32|64|x32)?)\/.*)$/.exec(path);
  if (m) return [m[1]!];
  if (/^(?:s?bin|lib(?:32|64|x32)?)\//.test(path)) return ['usr/' + path];
  return [];
}

function ownerThroughAliases(owners: Map<string, OwnedFile>, path: string): OwnedFile | undefined {
  const direct = owners.get(path);
  if (direct) return direct;
  const [alias] = usrMergeAliases(path);
  return alias === undefined ? undefined : owners.get(alias);
}
