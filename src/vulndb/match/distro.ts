/**
 * OS packages (deb, apk) against distro feeds: keyed by SOURCE package name and the image's distro
 * release (Debian codename, Alpine major.minor). Debian advisories carry source versions, so the
 * source version is compared (with the binary's epoch when the Source field dropped it).
 * A release the database has no data for is reported, never silently skipped.
 */
import type { InventoryReport, Package } from '../../inventory/types.js';
import { findComparator } from '../version/index.js';
import type { VulnStore } from '../store.js';
import { affectingRows, evaluateRow, evaluateRowFast, sharedMemoComparator } from './evaluate.js';
import { distroNamespace } from './namespace.js';
import { emptyResult, type FamilyResult, type RowMatch } from './types.js';

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
    const label = eco === 'deb' ? 'dpkg' : eco;
    // binary packages of one source share (source name, source version): evaluate its rows once, share the result
    const bySource = new Map<string, { hits: RowMatch[]; misses: RowMatch[] }>();
    const keys = new Array<{ key: string; version: string }>(list.length);
    const names = new Array<string>(list.length);
    for (let i = 0; i < list.length; i++) names[i] = (keys[i] = distroKey(list[i]!)).key;
    store.preloadAffected(eco, namespace, names);
    for (let i = 0; i < list.length; i++) {
      const pkg = list[i]!;
      const { key, version } = keys[i]!;
      const vkey = `${key}\u0000${version}`;
      let got = bySource.get(vkey);
      if (!got) {
        got = { hits: [], misses: [] };
        const packed = !explain && !keepNonMatches ? store.packedFor(eco, namespace, key) : undefined;
        const fast = packed && affectingRows(cmp, version, packed, key, eco, namespace);
        const rows = fast ? [] : store.affectedFor(eco, namespace, key);
        if (fast) {
          // (every row the index hands out affects the version, unless its comparison failed)
          let failed = false;
          for (let r = 0; r < fast.length; r++) {
            const m = fast[r]!;
            if (m.verdict.error) {
              res.warnings.push(`${key} ${version} vs ${m.row.vulnId}: ${m.verdict.error}`);
              failed = true;
            }
          }
          if (!failed) got.hits = fast;
          else for (let r = 0; r < fast.length; r++) if (fast[r]!.verdict.affected) got.hits.push(fast[r]!);
        }
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          const verdict = explain ? evaluateRow(cmp, version, row, label) : evaluateRowFast(cmp, version, row);
          if (verdict.error) res.warnings.push(`${key} ${version} vs ${row.vulnId}: ${verdict.error}`);
          const m: RowMatch = { key, version, ecosystem: eco, namespace, row, verdict };
          if (verdict.affected) got.hits.push(m);
          else if (keepNonMatches) got.misses.push(m);
        }
        bySource.set(vkey, got);
      }
      if (got.hits.length) res.matches.push({ pkg, matches: got.hits });
      if (got.misses.length) res.nonMatches.push({ pkg, matches: got.misses });
    }
  }
  return res;
}
