/**
 * OS packages (deb, apk) against distro feeds: keyed by SOURCE package name and the image's distro
 * release (Debian codename, Alpine major.minor). Debian advisories carry source versions, so the
 * source version is compared (with the binary's epoch when the Source field dropped it).
 * A release the database has no data for is reported, never silently skipped.
 */
import type { InventoryReport, Package } from '../../inventory/types.js';
import { findComparator } from '../version/index.js';
import type { VulnStore } from '../store.js';
import { evaluateRow, evaluateRowFast, sharedMemoComparator, type Verdict } from './evaluate.js';
import { distroNamespace } from './namespace.js';
import { emptyResult, type FamilyResult } from './types.js';

export const DISTRO_ECOSYSTEMS = new Set(['deb', 'apk', 'rpm']);

export function distroKey(pkg: Package): { key: string; version: string } {
  const key = pkg.sourceName || pkg.name;
  let version = pkg.sourceVersion || pkg.version;
  if (pkg.ecosystem === 'deb' && !/^\d+:/.test(version)) {
    const epoch = /^(\d+):/.exec(pkg.version)?.[1] ?? (pkg.epoch ? String(pkg.epoch) : undefined);
    if (epoch && epoch !== '0' && pkg.sourceVersion && version !== pkg.version) version = `${epoch}:${version}`;
  }
  return { key, version };
}

export function matchDistro(inv: InventoryReport, store: VulnStore, keepNonMatches: boolean, explain = true): FamilyResult {
  const res = emptyResult();
  const pkgs = inv.packages.filter((p) => DISTRO_ECOSYSTEMS.has(p.ecosystem));
  if (!pkgs.length) return res;
  const { namespace, label } = distroNamespace(inv.os);
  const known = store.namespaces();
  if (!namespace || !known.has(namespace)) {
    const have = [...known].filter((n) => n.split(':')[0] === namespace?.split(':')[0]).sort();
    res.unmatched.push({
      reason: namespace
        ? `the vulnerability database has no advisories for ${label} (${namespace})${have.length ? `; it covers ${have.join(', ')}` : ''}`
        : `the distro release of ${label} cannot be determined`,
      packages: pkgs,
      namespace,
    });
    return res;
  }
  const byEco = new Map<string, Package[]>();
  for (const p of pkgs) {
    const list = byEco.get(p.ecosystem);
    if (list) list.push(p);
    else byEco.set(p.ecosystem, [p]);
  }
  for (const [eco, list] of byEco) {
    const base = findComparator(eco);
    if (!base) {
      res.unmatched.push({ reason: `no version order for ${eco} packages`, packages: list, namespace });
      continue;
    }
    const cmp = sharedMemoComparator(`distro:${eco}`, base);
    // binary packages of one source share (source name, source version): evaluate each advisory row once
    const verdicts = new Map<string, Verdict[]>();
    store.preloadAffected(eco, namespace, list.map((p) => distroKey(p).key));
    for (const pkg of list) {
      const { key, version } = distroKey(pkg);
      const rows = store.affectedFor(eco, namespace, key);
      if (!rows.length) continue;
      const vkey = `${key}\u0000${version}`;
      let vs = verdicts.get(vkey);
      if (!vs) {
        vs = rows.map((row) => (explain ? evaluateRow(cmp, version, row, eco === 'deb' ? 'dpkg' : eco) : evaluateRowFast(cmp, version, row)));
        verdicts.set(vkey, vs);
      }
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const verdict = vs[i]!;
        if (verdict.error) res.warnings.push(`${pkg.name} ${version} vs ${row.vulnId}: ${verdict.error}`);
        const m = { pkg, key, version, ecosystem: eco, namespace, row, verdict };
        if (verdict.affected) res.matches.push(m);
        else if (keepNonMatches) res.nonMatches.push(m);
      }
    }
  }
  return res;
}
