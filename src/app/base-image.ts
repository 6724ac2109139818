/**
 * Base image advice for `bulwark scan DIR --base-candidates REF,...`: which base image a scanned image is built on,
 * and which candidate base removes the most of its vulnerabilities without a major version change.
 *
 * Identifying the base (first that answers):
 *  1. the image's own attribution (src/analyzers/image/attribution.ts): the layer index of images Bulwark has
 *     scanned, then the OCI annotations / labels `org.opencontainers.image.base.name` / `base.digest`, then history;
 *  2. a layer-prefix match against the images present in the local engine (RootFS.Layers of each): the longest
 *     image whose layers are a proper prefix of this one's, named by its first tag. It also gives the base's
 *     layer count when the annotation named the base but history could not.
 *
 * Candidates: `--base-candidates`, plus, when the base is named with an explicit registry (`HOST[:PORT]/REPO:TAG`),
 * the newer tags of the same repository the registry lists (same major version, at most MAX_REGISTRY_TAGS, highest first).
 * Each candidate is scanned with the same database. A vulnerability of the image is removed by a candidate when it
 * is in a base layer and the candidate has no vulnerability with the same id in the same package. Candidates with
 * another major version (the first number of the tag) than the current base are not proposed.
 */
import type { Finding } from '../core/finding.js';
import { severityRank } from '../core/finding.js';
import type { BulwarkConfig } from '../core/config.js';
import { EngineClient } from '../sources/engine/client.js';
import type { ImageIndex } from './image.js';
import type { RegistryOptions } from '../sources/registry.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = Record<string, any>;

export const MAX_ENGINE_IMAGES = 500;
export const MAX_REGISTRY_TAGS = 3;

export interface BaseIdentity {
  name?: string;
  digest?: string;
  /** layers [0, layers) of the image come from the base */
  layers: number;
  method: 'layer-index' | 'annotation' | 'history' | 'engine-layers' | 'none';
}

export interface BaseAdvice {
  /** the scanned image (as its findings name it) */
  image: string;
  base: BaseIdentity;
  candidate: string;
  removed: Finding[];
  /** vulnerabilities the candidate has that the current base layers do not */
  added: number;
  /** candidates not proposed, with why ("major version 4 ≠ 3", "not scanned: ...") */
  skipped: Array<{ ref: string; why: string }>;
}

const appDiffIds = (index: ImageIndex): string[] => index.summary.layers.map((l) => l.diffId ?? l.digest);

/** The engine's images whose layers are a proper prefix of `ids`: the longest, by its first tag. */
async function engineLayerPrefix(ids: string[], host?: string): Promise<{ name?: string; id: string; layers: number } | undefined> {
  let client: EngineClient;
  let list: J[];
  try {
    client = new EngineClient({ host, timeoutMs: 10_000 });
    list = await client.json<J[]>('/images/json');
  } catch {
    return undefined; // no engine: the other evidence stands
  }
  let best: { name?: string; id: string; layers: number } | undefined;
  for (const img of list.slice(0, MAX_ENGINE_IMAGES)) {
    let layers: string[];
    try {
      const info = await client.json<J>(`/images/${encodeURIComponent(String(img.Id))}/json`);
      layers = Array.isArray(info?.RootFS?.Layers) ? info.RootFS.Layers : [];
    } catch {
      continue;
    }
    const n = layers.length;
    if (n === 0 || n >= ids.length || (best && n <= best.layers)) continue;
    if (layers.every((l, i) => l === ids[i])) {
      const tags = (Array.isArray(img.RepoTags) ? img.RepoTags : []).filter((t: string) => t !== '<none>:<none>');
      best = { name: tags.sort()[0], id: String(img.Id), layers: n };
    }
  }
  return best;
}

export async function identifyBase(index: ImageIndex, opts: { host?: string } = {}): Promise<BaseIdentity> {
  const att = index.attribution;
  if (att && att.method === 'layer-index' && att.baseLayerCount > 0) return { name: att.baseName, digest: att.baseDigest, layers: att.baseLayerCount, method: 'layer-index' };
  const ids = appDiffIds(index);
  const eng = ids.length > 1 ? await engineLayerPrefix(ids, opts.host) : undefined;
  if (att?.method === 'annotation' && (att.baseName || att.baseDigest)) {
    return { name: att.baseName, digest: att.baseDigest, layers: att.baseLayerCount || eng?.layers || 0, method: 'annotation' };
  }
  if (eng) return { name: eng.name, layers: eng.layers, method: 'engine-layers' };
  if (att && att.method === 'history' && att.baseLayerCount > 0) return { layers: att.baseLayerCount, method: 'history' };
  return { layers: 0, method: 'none' };
}

/** The major version of a tag: its first number (`3.20.3` → 3, `v1.2` → 1, `12-slim` → 12); undefined when it has none. */
export function majorOf(ref: string | undefined): number | undefined {
  if (!ref) return undefined;
  const noDigest = ref.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const m = /^v?(\d+)(?:[.\-_]|$)/.exec(noDigest.slice(colon + 1));
  return m ? Number(m[1]) : undefined;
}

/** A tag's numeric parts for ordering: `3.20.3` → [3, 20, 3]; undefined for tags that are not versions. */
function versionParts(tag: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)$/.exec(tag);
  return m ? m[1]!.split('.').map(Number) : undefined;
}

function tagVersion(ref: string | undefined): number[] | undefined {
  if (!ref) return undefined;
  const noDigest = ref.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? versionParts(noDigest.slice(colon + 1)) : undefined;
}

function cmpParts(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/**
 * Newer tags of the base's repository in its registry, same major version, highest first. Only for a base named
 * with an explicit registry host (Docker Hub is not asked); a registry that does not answer gives none.
 */
export async function newerRegistryTags(base: string | undefined, warn: (w: string) => void, registry: RegistryOptions = {}): Promise<string[]> {
  if (!base) return [];
  const { parseReference } = await import('../registry/reference.js');
  let ref;
  try {
    ref = parseReference(base);
  } catch {
    return [];
  }
  if (ref.implicitRegistry || !ref.tag) return [];
  const cur = versionParts(ref.tag);
  if (!cur) return [];
  try {
    const { RegistryClient } = await import('../registry/client.js');
    const tags = await new RegistryClient(ref.registry, registry).tags(ref.repository);
    return tags
      .map((t) => ({ t, v: versionParts(t) }))
      .filter((x): x is { t: string; v: number[] } => Boolean(x.v) && x.v![0] === cur[0] && cmpParts(x.v!, cur) > 0)
      .sort((a, b) => cmpParts(b.v, a.v))
      .slice(0, MAX_REGISTRY_TAGS)
      .map((x) => `${ref.registry}/${ref.repository}:${x.t}`);
  } catch (e) {
    warn(`base image ${base}: the registry's tags could not be listed (${(e as Error).message.split('\n')[0]})`);
    return [];
  }
}

const vulnKey = (f: Finding) => `${f.vulnerability!.id}|${f.vulnerability!.package.sourceName ?? f.vulnerability!.package.name}|${f.vulnerability!.package.name}`;

export interface CandidateScanner {
  /** the vulnerability findings of a candidate image (cached by reference) */
  (ref: string): Promise<Finding[]>;
}

/** Make a scanner that scans each candidate once with auditImage (the same database and config). */
export function candidateScanner(opts: { cacheDir?: string; config: BulwarkConfig; registry?: RegistryOptions; vulnerabilities: Record<string, unknown> }): CandidateScanner {
  const memo = new Map<string, Promise<Finding[]>>();
  return (ref) => {
    let p = memo.get(ref);
    if (!p) {
      p = (async () => {
        const { auditImage } = await import('./image.js');
        const { report } = await auditImage(ref, { cacheDir: opts.cacheDir, config: opts.config, registry: opts.registry, vulnerabilities: { ...opts.vulnerabilities } });
        return report.findings.filter((f) => f.vulnerability);
      })();
      memo.set(ref, p);
    }
    return p;
  };
}

/**
 * The best candidate for one image: the most vulnerabilities of its base layers removed (critical first, then
 * count, then fewest added), no major version change. Undefined when no candidate removes any.
 */
export async function adviseBase(
  image: string,
  findings: Finding[],
  base: BaseIdentity,
  candidates: string[],
  scan: CandidateScanner,
): Promise<BaseAdvice | undefined> {
  const skipped: BaseAdvice['skipped'] = [];
  const inBase = findings.filter((f) => f.vulnerability && f.location.kind === 'image' && f.location.image === image && f.location.layerIndex !== undefined && f.location.layerIndex < base.layers);
  const baseKeys = new Set(inBase.map(vulnKey));
  const curMajor = majorOf(base.name);
  let best: BaseAdvice | undefined;
  const rank = (a: BaseAdvice) => [a.removed.filter((f) => severityRank(f.severity) >= severityRank('critical')).length, a.removed.length, -a.added];
  for (const c of candidates) {
    if (base.name && c === base.name) continue;
    const m = majorOf(c);
    if (curMajor !== undefined && m !== undefined && m !== curMajor) {
      skipped.push({ ref: c, why: `major version ${m} ≠ ${curMajor}` });
      continue;
    }
    const cv = tagVersion(c);
    const bv = tagVersion(base.name);
    if (cv && bv && cmpParts(cv, bv) < 0) {
      skipped.push({ ref: c, why: `older than the current base ${base.name}` });
      continue;
    }
    let cf: Finding[];
    try {
      cf = await scan(c);
    } catch (e) {
      skipped.push({ ref: c, why: `not scanned: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const ck = new Set(cf.map(vulnKey));
    const removed = inBase.filter((f) => !ck.has(vulnKey(f)));
    const added = [...ck].filter((k) => !baseKeys.has(k)).length;
    const a: BaseAdvice = { image, base, candidate: c, removed, added, skipped };
    if (!removed.length) continue;
    if (!best) best = a;
    else {
      const ra = rank(a);
      const rb = rank(best);
      const d = ra.findIndex((x, i) => x !== rb[i]);
      if (d >= 0 && ra[d]! > rb[d]!) best = a;
    }
  }
  if (best) best.skipped = skipped;
  return best;
}
