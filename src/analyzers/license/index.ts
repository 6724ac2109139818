/**
 * The licence scanner (`--scanners license`): every package whose detector read a declared licence (npm
 * package.json, Python METADATA, apk, rpm, Maven pom; CycloneDX / SPDX inputs) is classified (classify.ts, Trivy's
 * categories as data) and the rules below file one finding per package and licence. It reads only the inventory,
 * so it costs no extra pass over the image.
 */
import type { Finding, Location } from '../../core/finding.js';
import type { Package } from '../../core/inventory.js';
import type { RuleMeta } from '../../core/rule.js';
import { ruleSet } from '../../core/rule.js';
import { LicenseContext } from './context.js';
import forbidden from './rules/license-001-forbidden.js';
import restricted from './rules/license-002-restricted.js';
import reciprocal from './rules/license-003-reciprocal.js';
import notice from './rules/license-004-notice.js';
import unknown from './rules/license-005-unknown.js';

export const licenseRuleSet = ruleSet([forbidden, restricted, reciprocal, notice, unknown]);

export const licenseRules: RuleMeta[] = licenseRuleSet.map((r) => r.meta);

/** The licence findings of these packages, located by `locate` (an image layer and path, a lock file line). */
export function licenseFindings(packages: Package[], locate: (p: Package) => Location): Finding[] {
  const ctx = new LicenseContext(packages, locate);
  return licenseRuleSet.flatMap((r) => r.check(ctx));
}

/** Where an image package's licence finding points: the image, the layer that added the package, its file. */
export function imagePackageLocation(imageName: string): (p: Package) => Location {
  return (p) => ({ kind: 'image', image: imageName, ...(p.layerDigest ? { layerDigest: p.layerDigest } : {}), ...(p.layerIndex !== undefined ? { layerIndex: p.layerIndex } : {}), path: p.path });
}
