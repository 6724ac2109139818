/**
 * Language packages (npm, pypi, golang, maven, ...) against OSV / GHSA / Node.js WG advisories, by
 * the package name normalised per ecosystem. Packages owned by an OS package (a dist-info shipped by
 * python3-urllib3, node_modules shipped by the nodejs package) are NOT matched here: distros backport
 * fixes without changing upstream versions, so they are matched only through the OS feed.
 * Go: module versions and the binary's toolchain (`stdlib`) are compared in the form the Go comparator
 * accepts; the toolchain "go1.21.3" becomes stdlib 1.21.3.
 */
import type { InventoryReport, Package } from '../../inventory/types.js';
import { findComparator, type VersionComparator } from '../version/index.js';
import type { VulnStore } from '../store.js';
import { normaliseName } from '../feeds/ecosystems.js';
import { affectingRows, evaluateRow, evaluateRowFast, sharedMemoComparator } from './evaluate.js';
import { DISTRO_ECOSYSTEMS } from './distro.js';
import { emptyResult, type FamilyResult, type RowMatch } from './types.js';

/** "go1.21.3" -> "1.21.3", "go1.21" -> "1.21.0", "go1.21rc2" -> "1.21.0-rc.2"; undefined when not a Go release. */
export function goToolchainToSemver(t: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(t.trim());
  if (!m) return undefined;
  const base = `${m[1]}.${m[2]}.${m[3] ?? '0'}`;
  return m[4] ? `${base}-${m[4]}.${m[5]}` : base;
}

/** The Go comparator may want "v1.2.3" (x/mod form) or "1.2.3" (OSV form): adapt both sides. */
export function goAdapter(cmp: VersionComparator): VersionComparator {
  const wantsV = !cmp.valid('1.2.3') && cmp.valid('v1.2.3');
  const f = (v: string) => (v === '0' ? v : wantsV ? (v.startsWith('v') ? v : `v${v}`) : v.replace(/^v/, ''));
  return { ecosystem: cmp.ecosystem, compare: (a, b) => cmp.compare(f(a), f(b)), valid: (v) => cmp.valid(f(v)) };
}

/** Go binaries: one synthetic `stdlib` package per binary toolchain, unless the inventory already lists it. */
export function withGoStdlib(pkgs: Package[]): Package[] {
  const out = [...pkgs];
  const have = new Set(pkgs.filter((p) => p.ecosystem === 'golang' && p.name === 'stdlib').map((p) => `${p.go?.binary ?? p.path}`));
  const seen = new Set<string>();
  for (const p of pkgs) {
    if (p.ecosystem !== 'golang' || !p.go?.toolchain) continue;
    const bin = p.go.binary;
    if (have.has(bin) || seen.has(bin)) continue;
    seen.add(bin);
    const v = goToolchainToSemver(p.go.toolchain);
    if (!v) continue;
    out.push({
      name: 'stdlib',
      version: v,
      ecosystem: 'golang',
      purl: `pkg:golang/stdlib@v${v}`,
      path: bin,
      layerIndex: p.layerIndex,
      layerDigest: p.layerDigest,
      ownedBy: p.ownedBy,
      go: { toolchain: p.go.toolchain, binary: bin },
    });
  }
  return out;
}

export function matchLanguage(inv: InventoryReport, store: VulnStore, keepNonMatches: boolean, explain = true): FamilyResult {
  const res = emptyResult();
  const pkgs = withGoStdlib(inv.packages.filter((p) => !DISTRO_ECOSYSTEMS.has(p.ecosystem)));
  const owned: Package[] = [];
  const noCmp = new Map<string, Package[]>();
  const cmps = new Map<string, VersionComparator | undefined>();
  const names = new Map<string, string[]>();
  for (const pkg of pkgs) {
    if (pkg.ownedBy) continue;
    const list = names.get(pkg.ecosystem);
    if (list) list.push(normaliseName(pkg.ecosystem, pkg.name));
    else names.set(pkg.ecosystem, [normaliseName(pkg.ecosystem, pkg.name)]);
  }
  for (const [eco, list] of names) store.preloadAffected(eco, '', list);
  // packages that compare the same (ecosystem, name, version), copies of one npm package say, share one result
  const seen = new Map<string, { hits: RowMatch[]; misses: RowMatch[] }>();
  for (let p = 0; p < pkgs.length; p++) {
    const pkg = pkgs[p]!;
    if (pkg.ownedBy) {
      owned.push(pkg);
      continue;
    }
    if (!cmps.has(pkg.ecosystem)) {
      const base = findComparator(pkg.ecosystem);
      cmps.set(pkg.ecosystem, base ? sharedMemoComparator(`lang:${pkg.ecosystem}`, base, pkg.ecosystem === 'golang' ? goAdapter : undefined) : undefined);
    }
    const cmp = cmps.get(pkg.ecosystem);
    if (!cmp) {
      const list = noCmp.get(pkg.ecosystem);
      if (list) list.push(pkg);
      else noCmp.set(pkg.ecosystem, [pkg]);
      continue;
    }
    const key = normaliseName(pkg.ecosystem, pkg.name);
    const version = pkg.ecosystem === 'golang' && pkg.name !== 'stdlib' ? pkg.version.replace(/^v/, '') : pkg.version;
    if (pkg.ecosystem === 'golang' && (version === '(devel)' || version === '')) continue;
    const vkey = `${pkg.ecosystem}\u0000${key}\u0000${version}`;
    let got = seen.get(vkey);
    if (!got) {
      got = { hits: [], misses: [] };
      const packed = !explain && !keepNonMatches ? store.packedFor(pkg.ecosystem, '', key) : undefined;
      const fast = packed && affectingRows(cmp, version, packed, key, pkg.ecosystem, '');
      const rows = fast ? [] : store.affectedFor(pkg.ecosystem, '', key);
      if (fast) {
        // (every row the index hands out affects the version, unless its comparison failed)
        let failed = false;
        for (let r = 0; r < fast.length; r++) {
          const m = fast[r]!;
          if (m.verdict.error) {
            res.warnings.push(`${pkg.name} ${version} vs ${m.row.vulnId}: ${m.verdict.error}`);
            failed = true;
          }
        }
        if (!failed) got.hits = fast;
        else for (let r = 0; r < fast.length; r++) if (fast[r]!.verdict.affected) got.hits.push(fast[r]!);
      }
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const verdict = explain ? evaluateRow(cmp, version, row, pkg.ecosystem) : evaluateRowFast(cmp, version, row);
        if (verdict.error) res.warnings.push(`${pkg.name} ${version} vs ${row.vulnId}: ${verdict.error}`);
        const m: RowMatch = { key, version, ecosystem: pkg.ecosystem, namespace: '', row, verdict };
        if (verdict.affected) got.hits.push(m);
        else if (keepNonMatches) got.misses.push(m);
      }
      seen.set(vkey, got);
    }
    if (got.hits.length) res.matches.push({ pkg, matches: got.hits });
    if (got.misses.length) res.nonMatches.push({ pkg, matches: got.misses });
  }
  if (owned.length) {
    res.unmatched.push({ reason: 'owned by an OS package: matched through the OS feed only', packages: owned });
  }
  for (const [eco, list] of noCmp) res.unmatched.push({ reason: `no version order for ${eco} packages`, packages: list });
  return res;
}
