/**
 * The image stage's content and configuration checks (secrets, dangerous files, image settings) and the
 * base/app layer attribution every image finding carries.
 */
import type { BulwarkConfig } from '../../core/config.js';
import type { Finding } from '../../core/finding.js';
import { dedupeFingerprints, ruleSet, type RuleMeta } from '../../core/rule.js';
import type { ImageScan } from '../../image/types.js';
import type { InventoryReport } from '../../inventory/types.js';
import { attributeLayers, baseIndexDir, originSplit, recordScannedImage, type LayerAttribution, type OriginSplit } from './attribution.js';
import { ImageCheckContext, type CheckOptions, type ImageRule } from './context.js';
import { vulndbRules } from '../../vulndb/rules.js';
import rootUser from './config/root-user.js';
import healthcheck from './config/healthcheck.js';
import exposeSsh from './config/expose-ssh.js';
import latestTag from './config/latest-tag.js';
import imageAge from './config/image-age.js';
import eolDistro from './config/eol-distro.js';
import onbuild from './config/onbuild.js';
import addRemoteUrl from './config/add-remote-url.js';
import sudoInstalled from './config/sudo-installed.js';
import sshServer from './config/ssh-server.js';
import setuid from './files/setuid.js';
import worldWritable from './files/world-writable.js';
import deviceFiles from './files/device-files.js';
import unknownOwner from './files/unknown-owner.js';
import sshLeftovers from './files/ssh-leftovers.js';
import gitDir from './files/git-dir.js';
import packageCaches from './files/package-caches.js';
import coreDumps from './files/core-dumps.js';
import wastedBytes from './files/wasted-bytes.js';
import inventoryIncomplete from './files/inventory-incomplete.js';
import privateKey from './secrets/rules/secret-001-private-key.js';
import encryptedPrivateKey from './secrets/rules/secret-002-encrypted-private-key.js';
import awsAccessKeyId from './secrets/rules/secret-003-aws-access-key-id.js';
import awsSecretKey from './secrets/rules/secret-004-aws-secret-key.js';
import gcpServiceAccount from './secrets/rules/secret-005-gcp-service-account.js';
import azureStorageKey from './secrets/rules/secret-006-azure-storage-key.js';
import githubToken from './secrets/rules/secret-007-github-token.js';
import gitlabToken from './secrets/rules/secret-008-gitlab-token.js';
import slack from './secrets/rules/secret-009-slack.js';
import stripeKey from './secrets/rules/secret-010-stripe-key.js';
import npmToken from './secrets/rules/secret-011-npm-token.js';
import pypiToken from './secrets/rules/secret-012-pypi-token.js';
import dockerRegistryAuth from './secrets/rules/secret-013-docker-registry-auth.js';
import dotenvSecret from './secrets/rules/secret-014-dotenv-secret.js';
import gitCredentials from './secrets/rules/secret-015-git-credentials.js';
import pgpass from './secrets/rules/secret-016-pgpass.js';
import shellHistory from './secrets/rules/secret-017-shell-history.js';
import jwt from './secrets/rules/secret-018-jwt.js';
import hardcodedPassword from './secrets/rules/secret-019-hardcoded-password.js';
import configSecret from './secrets/rules/secret-020-config-secret.js';
import urlCredentials from './secrets/rules/secret-021-url-credentials.js';
import customRule from './secrets/rules/secret-099-custom-rule.js';

export { attributeLayers, baseIndexDir, recordImageLayers, recordScannedImage, loadLayerIndex, originOfLayer, originSplit, type LayerAttribution, type OriginSplit } from './attribution.js';
export type { CheckOptions } from './context.js';

/** the secret rules: each files the hits of its kinds in the rules table (secrets/rules-table.ts) */
const secretRules: ImageRule[] = [
  privateKey,
  encryptedPrivateKey,
  awsAccessKeyId,
  awsSecretKey,
  gcpServiceAccount,
  azureStorageKey,
  githubToken,
  gitlabToken,
  slack,
  stripeKey,
  npmToken,
  pypiToken,
  dockerRegistryAuth,
  dotenvSecret,
  gitCredentials,
  pgpass,
  shellHistory,
  jwt,
  hardcodedPassword,
  configSecret,
  urlCredentials,
  customRule,
];

/** Every rule of the image stage, in report order: config checks, per-file checks, secrets. */
export const imageRuleSet: ImageRule[] = ruleSet<ImageRule>([
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
  inventoryIncomplete,
  ...secretRules,
]);

/** the catalogue entries the secret kinds of the rules table are filed under */
export const secretMetaById = new Map(secretRules.map((r) => [r.meta.id, r.meta]));

/** Every rule of the image stage (metadata), plus the matcher's coverage rule; the checks live beside it. */
export const imageRules: RuleMeta[] = [...imageRuleSet.map((r) => r.meta), ...vulndbRules];

export { imageContentAnalyzers, imageContentAnalyzersFor } from './content-analyzers.js';

/** Which image checks run (--scanners): the secret rules, and the configuration and file rules (misconfig). */
export interface ImageCheckKinds {
  secret: boolean;
  misconfig: boolean;
}

/** Every finding of the image content/config checks, each with `origin` base|app. */
export function checkImage(scan: ImageScan, inventory: InventoryReport | undefined, cfg: BulwarkConfig, opts: CheckOptions & { only?: ImageCheckKinds } = {}): Finding[] {
  const settings = ImageCheckContext.settingsFrom(cfg);
  const att = opts.attribution ?? attributeLayers(scan, { cacheDir: opts.cacheDir });
  const ctx = new ImageCheckContext(scan, inventory, cfg, settings, att, opts.now ?? new Date());
  const disabled = new Set(settings.disable.map((d) => d.toUpperCase()));
  const out: Finding[] = [];
  const secret = new Set<ImageRule>(secretRules);
  for (const r of imageRuleSet) {
    if (disabled.has(r.meta.id)) continue;
    if (opts.only && !(secret.has(r) ? opts.only.secret : opts.only.misconfig)) continue;
    out.push(...r.check(ctx));
  }
  dedupeFingerprints(out);
  return out;
}

/**
 * One call for `bulwark image`: attribute layers (using and then updating the base-image layer index in
 * `<cache root>/base-images/`, unless noCache), run every check, and summarise the base/app split.
 */
export function runImageChecks(
  scan: ImageScan,
  inventory: InventoryReport | undefined,
  cfg: BulwarkConfig,
  opts: { cacheDir?: string; noCache?: boolean; now?: Date; only?: ImageCheckKinds } = {},
): { findings: Finding[]; attribution: LayerAttribution; split: OriginSplit } {
  const dir = opts.noCache ? undefined : baseIndexDir(opts.cacheDir);
  const attribution = attributeLayers(scan, dir ? { cacheDir: dir } : {});
  const findings = checkImage(scan, inventory, cfg, { attribution, ...(opts.now ? { now: opts.now } : {}), ...(opts.only ? { only: opts.only } : {}) });
  if (dir) recordScannedImage(dir, scan.image);
  return { findings, attribution, split: originSplit(attribution, scan.image.layers.length, findings) };
}
