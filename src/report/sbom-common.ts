/**
 * Shared by the SBOM renderers (CycloneDX, SPDX): what they read from a Report, and licence handling.
 * A Report carries the inventory as `packages` (Package[]) and, for image metadata and the OS,
 * `summary.inventory` ({ os, image } of the InventoryReport).
 */
import { createHash } from 'node:crypto';
import * as CDX from '@cyclonedx/cyclonedx-library';
import type { Report } from '../core/report.js';
import type { InventoryReport, Package } from '../core/inventory.js';

export interface SbomInput {
  packages: Package[];
  os?: InventoryReport['os'];
  image?: InventoryReport['image'];
  /** the subject's display name */
  name: string;
}

export function sbomInput(report: Report): SbomInput {
  const inv = (report.summary?.inventory ?? {}) as Partial<InventoryReport>;
  const packages = (report.packages ?? []) as Package[];
  const name = inv.image?.name ?? report.targets[0]?.name ?? 'unknown';
  return { packages, os: inv.os, image: inv.image, name };
}

const OPS = new Set(['AND', 'OR', 'WITH']);

/**
 * The licence as a valid SPDX license expression, or undefined when it is free text
 * ("GPLv2", "BSD License"): every identifier must be on the SPDX list (case fixed), LicenseRef-* allowed.
 */
export function spdxExpression(lic: string): string | undefined {
  const s = lic.trim();
  if (!s || s.length > 500) return undefined;
  const tokens = s.split(/(\s+|\(|\))/).filter((t) => t && !/^\s+$/.test(t));
  if (!tokens.length) return undefined;
  const out: string[] = [];
  let expectId = true;
  let depth = 0;
  let afterWith = false;
  for (const t of tokens) {
    if (t === '(') { if (!expectId) return undefined; depth++; out.push(t); continue; }
    if (t === ')') { if (expectId || --depth < 0) return undefined; out.push(t); continue; }
    const up = t.toUpperCase();
    if (OPS.has(up)) {
      if (expectId) return undefined;
      out.push(up);
      expectId = true;
      afterWith = up === 'WITH';
      continue;
    }
    if (!expectId) return undefined;
    if (afterWith) {
      if (!/^[A-Za-z0-9.-]+$/.test(t)) return undefined; // exception ids
      out.push(t);
    } else if (/^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(t)) {
      out.push(t);
    } else {
      const plus = t.endsWith('+');
      const id = CDX.SPDX.fixupSpdxId(plus ? t.slice(0, -1) : t);
      if (!id) return undefined;
      out.push(id + (plus ? '+' : ''));
    }
    expectId = false;
    afterWith = false;
  }
  if (expectId || depth !== 0) return undefined;
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** All declared licences of a package joined as one SPDX expression, when each is valid. */
export function packageExpression(p: Package): string | undefined {
  const lic = p.licenses ?? [];
  if (!lic.length) return undefined;
  const ex = lic.map(spdxExpression);
  if (ex.some((e) => e === undefined)) return undefined;
  return ex.length === 1 ? ex[0] : ex.map((e) => (/\s/.test(e!) ? `(${e})` : e)).join(' AND ');
}

export function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

export function osComponentName(os: NonNullable<SbomInput['os']>): string {
  return os.id;
}

export const OS_ECOSYSTEMS = new Set(['deb', 'apk', 'rpm']);
