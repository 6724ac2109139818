/**
 * The image stage's content and configuration checks (secrets, dangerous files, image settings) and the
 * base/app layer attribution every image finding carries.
 */
import { join } from 'node:path';
import type { BulwarkConfig } from '../../core/config.js';
import { cacheRoot } from '../../image/cache.js';
import type { Finding } from '../../core/finding.js';
import { dedupeFingerprints, type RuleMeta } from '../../core/rule.js';
import type { ImageScan, LayerAnalyzer } from '../../image/types.js';
import type { InventoryReport } from '../../inventory/types.js';
import { attributeLayers, recordImageLayers, type LayerAttribution } from './attribution.js';
import { ImageCheckContext, type CheckOptions, type ImageRule } from './context.js';
import { imageFilesAnalyzer } from './files-analyzer.js';
import { builtinSecretsAnalyzer, makeCustomSecretsAnalyzer, SECRETS_ANALYZER } from './secrets/analyzer.js';
import { checkConfigSecrets, checkLayerSecrets } from './secrets/check.js';
import { secretRuleMetas } from './secrets/meta.js';
import { vulndbRules } from '../../vulndb/rules.js';
import { resolveSecrets } from './secrets/settings.js';
import { rule as rootUser } from './config/root-user.js';
import { rule as healthcheck } from './config/healthcheck.js';
import { rule as exposeSsh } from './config/expose-ssh.js';
import { rule as latestTag } from './config/latest-tag.js';
import { rule as imageAge } from './config/image-age.js';
import { rule as eolDistro } from './config/eol-distro.js';
import { rule as onbuild } from './config/onbuild.js';
import { rule as addRemoteUrl } from './config/add-remote-url.js';
import { rule as sudoInstalled } from './config/sudo-installed.js';
import { rule as sshServer } from './config/ssh-server.js';
import { rule as setuid } from './files/setuid.js';
import { rule as worldWritable } from './files/world-writable.js';
import { rule as deviceFiles } from './files/device-files.js';
import { rule as unknownOwner } from './files/unknown-owner.js';
import { rule as sshLeftovers } from './files/ssh-leftovers.js';
import { rule as gitDir } from './files/git-dir.js';
import { rule as packageCaches } from './files/package-caches.js';
import { rule as coreDumps } from './files/core-dumps.js';
import { rule as wastedBytes } from './files/wasted-bytes.js';

export { attributeLayers, recordImageLayers, loadLayerIndex, originOfLayer, type LayerAttribution } from './attribution.js';
export type { CheckOptions } from './context.js';

/** the per-file checks and config checks, in report order */
export const imageCheckRules: ImageRule[] = [
  rootUser,
  healthcheck,
  exposeSsh,
  latestTag,
  imageAge,
  eolDistro,
  onbuild,
  addRemoteUrl,
  sudoInstalled,
  sshServer,
  setuid,
  worldWritable,
  deviceFiles,
  unknownOwner,
  sshLeftovers,
  gitDir,
  packageCaches,
  coreDumps,
  wastedBytes,
];

/** Every rule of the image stage (metadata); the checks live beside it. */
export const imageRules: RuleMeta[] = [...imageCheckRules.map((r) => r.meta), ...secretRuleMetas, ...vulndbRules];

/** The analyzers the layer walker runs on every layer for these checks (built-in rules only). */
export const imageContentAnalyzers: LayerAnalyzer[] = [builtinSecretsAnalyzer, imageFilesAnalyzer];

/** The analyzers for a given config: the built-in ones plus one for the user's own secret rules, if any. */
export function imageContentAnalyzersFor(cfg: BulwarkConfig): LayerAnalyzer[] {
  const custom = makeCustomSecretsAnalyzer(resolveSecrets(cfg).custom);
  return custom ? [...imageContentAnalyzers, custom] : imageContentAnalyzers;
}

/** Every finding of the image content/config checks, each with `origin` base|app. */
export function checkImage(scan: ImageScan, inventory: InventoryReport | undefined, cfg: BulwarkConfig, opts: CheckOptions = {}): Finding[] {
  const settings = ImageCheckContext.settingsFrom(cfg);
  const resolved = resolveSecrets(cfg);
  const att = opts.attribution ?? attributeLayers(scan, { cacheDir: opts.cacheDir });
  const ctx = new ImageCheckContext(scan, inventory, cfg, settings, att, opts.now ?? new Date());
  const disabled = new Set(settings.disable.map((d) => d.toUpperCase()));
  const findings: Finding[] = [];
  for (const r of imageCheckRules) {
    if (disabled.has(r.meta.id)) continue;
    findings.push(...r.check(ctx));
  }
  const custom = makeCustomSecretsAnalyzer(resolved.custom);
  const analyzerNames = [SECRETS_ANALYZER, ...(custom ? [custom.name] : [])];
  findings.push(...checkLayerSecrets(ctx, resolved, analyzerNames), ...checkConfigSecrets(ctx, resolved));
  const out = findings.filter((f) => !disabled.has(f.ruleId));
  dedupeFingerprints(out);
  return out;
}

export interface OriginSplit {
  attribution: { method: string; baseLayerCount: number; appLayerCount: number; baseName?: string; baseDigest?: string };
  base: Record<string, number>;
  app: Record<string, number>;
  /** one line for the table report */
  text: string;
}

/** "inherited from base" vs "added by you": finding counts by severity on each side (any findings with origin). */
export function originSplit(att: LayerAttribution, layerCount: number, findings: Finding[]): OriginSplit {
  const count = (o: 'base' | 'app') => {
    const c: Record<string, number> = { total: 0 };
    for (const f of findings) {
      if (f.suppressed || (f.origin ?? f.vulnerability?.origin) !== o) continue;
      c.total++;
      c[f.severity] = (c[f.severity] ?? 0) + 1;
    }
    return c;
  };
  const base = count('base');
  const app = count('app');
  const who = att.baseName ? ` (${att.baseName})` : '';
  const text =
    att.method === 'none'
      ? `base image not identified: all ${layerCount} layers counted as added by you; ${app.total} findings`
      : `base image${who}: layers 0-${att.baseLayerCount - 1} (by ${att.method}), ${base.total} findings inherited; ` +
        `your layers ${att.baseLayerCount}-${layerCount - 1}: ${app.total} findings added`;
  return {
    attribution: {
      method: att.method,
      baseLayerCount: att.baseLayerCount,
      appLayerCount: layerCount - att.baseLayerCount,
      ...(att.baseName ? { baseName: att.baseName } : {}),
      ...(att.baseDigest ? { baseDigest: att.baseDigest } : {}),
    },
    base,
    app,
    text,
  };
}

/**
 * One call for `bulwark image`: attribute layers (using and then updating the base-image layer index in
 * `<cache root>/base-images/`, unless noCache), run every check, and summarise the base/app split.
 */
export function runImageChecks(
  scan: ImageScan,
  inventory: InventoryReport | undefined,
  cfg: BulwarkConfig,
  opts: { cacheDir?: string; noCache?: boolean; now?: Date } = {},
): { findings: Finding[]; attribution: LayerAttribution; split: OriginSplit } {
  const dir = opts.noCache ? undefined : join(cacheRoot(opts.cacheDir), 'base-images');
  const attribution = attributeLayers(scan, dir ? { cacheDir: dir } : {});
  const findings = checkImage(scan, inventory, cfg, { attribution, ...(opts.now ? { now: opts.now } : {}) });
  if (dir) {
    const ids = scan.image.config.rootfs?.diff_ids ?? scan.image.layers.map((l) => l.diffId ?? l.digest);
    try {
      recordImageLayers(dir, scan.image.name, ids);
    } catch {
      // the index is an optimisation: an unwritable cache dir must not fail the scan
    }
  }
  return { findings, attribution, split: originSplit(attribution, scan.image.layers.length, findings) };
}
