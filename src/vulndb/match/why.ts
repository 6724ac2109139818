/**
 * `bulwark why IMAGE PACKAGE VULN-ID`: why an advisory did or did not match a package. Walks the same
 * path as the matchers (family, release namespace, source name, normalised name, version order) and
 * prints each decision, so a disagreement with another scanner can be settled.
 */
import type { InventoryReport, Package } from '../../inventory/types.js';
import { findComparator, type VersionComparator } from '../version/index.js';
import type { AffectedRow, VulnStore } from '../store.js';
import { normaliseName } from '../feeds/ecosystems.js';
import { evaluateRow } from './evaluate.js';
import { distroNamespace } from './namespace.js';
import { DISTRO_ECOSYSTEMS, distroKey } from './distro.js';
import { goAdapter, withGoStdlib } from './lang.js';
import { matchInventoryDetailed } from './index.js';

export interface WhyResult {
  matched: boolean;
  lines: string[];
}

function relatedIds(store: VulnStore, id: string): string[] {
  const ids = new Set([id]);
  for (let round = 0; round < 2; round++) {
    for (const i of [...ids]) {
      for (const a of store.aliasesOf(i)) ids.add(a);
      for (const v of store.vulns(i)) for (const a of v.aliases) ids.add(a);
    }
  }
  return [...ids];
}

export function why(inv: InventoryReport, store: VulnStore, pkgName: string, vulnId: string): WhyResult {
  const lines: string[] = [];
  const ids = relatedIds(store, vulnId);
  lines.push(`advisory ${vulnId}${ids.length > 1 ? ` (aliases: ${ids.filter((i) => i !== vulnId).join(', ')})` : ''}`);
  const rows: AffectedRow[] = ids.flatMap((i) => store.affectedByVuln(i));
  if (!rows.length) {
    lines.push(`no feed in the database has an advisory ${ids.join(' / ')}: nothing to match`);
    return { matched: false, lines };
  }
  const all = withGoStdlib(inv.packages);
  const wanted = all.filter(
    (p) => p.name === pkgName || p.sourceName === pkgName || normaliseName(p.ecosystem, p.name) === normaliseName(p.ecosystem, pkgName),
  );
  if (!wanted.length) {
    lines.push(`no package named '${pkgName}' in the inventory (${inv.packages.length} packages)`);
    const near = rows.slice(0, 5).map((r) => `${r.ecosystem}${r.namespace ? ` ${r.namespace}` : ''} ${r.package}`);
    lines.push(`the advisory names: ${[...new Set(near)].join(', ')}`);
    return { matched: false, lines };
  }
  let matchedAny = false;
  for (const pkg of wanted) {
    lines.push('');
    lines.push(`package ${pkg.ecosystem} ${pkg.name} ${pkg.version}${pkg.sourceName && pkg.sourceName !== pkg.name ? ` (source ${pkg.sourceName} ${pkg.sourceVersion ?? ''})`.replace(' )', ')') : ''} from ${pkg.path}${pkg.layerIndex !== undefined ? ` (layer ${pkg.layerIndex})` : ''}`);
    const r = whyOne(inv, store, pkg, rows, lines);
    matchedAny ||= r;
  }
  if (matchedAny) {
    // show the finding as the scan reports it (severity, status, merged aliases)
    const res = matchInventoryDetailed({ ...inv, packages: wanted.filter((p) => p.name !== 'stdlib' || inv.packages.includes(p)) }, store, {});
    for (const f of res.findings.filter((x) => x.vulnerability && ids.some((i) => i === x.vulnerability!.id || x.vulnerability!.aliases.includes(i)))) {
      lines.push('');
      lines.push(`finding: ${f.ruleId} ${f.severity} (${f.vulnerability!.severitySource}) status ${f.vulnerability!.status}; ${f.remediation.text}`);
    }
  }
  return { matched: matchedAny, lines };
}

function whyOne(inv: InventoryReport, store: VulnStore, pkg: Package, rows: AffectedRow[], lines: string[]): boolean {
  let namespace = '';
  let key: string;
  let version: string;
  let cmp: VersionComparator | undefined;
  if (DISTRO_ECOSYSTEMS.has(pkg.ecosystem)) {
    const ns = distroNamespace(inv.os);
    if (!ns.namespace || !store.namespaces().has(ns.namespace)) {
      lines.push(`  not matched: the database has no advisories for ${ns.label}${ns.namespace ? ` (${ns.namespace})` : ''}`);
      return false;
    }
    namespace = ns.namespace;
    ({ key, version } = distroKey(pkg));
    lines.push(`  OS package: looked up by source name '${key}' in ${namespace}, comparing source version ${version}`);
  } else {
    if (pkg.ownedBy) {
      lines.push(`  not matched here: its files belong to the ${pkg.ownedBy.ecosystem} package '${pkg.ownedBy.name}', so only the OS feed applies (distros backport fixes without changing upstream versions); ask: why ... ${pkg.ownedBy.name} ...`);
      return false;
    }
    key = normaliseName(pkg.ecosystem, pkg.name);
    version = pkg.ecosystem === 'golang' && pkg.name !== 'stdlib' ? pkg.version.replace(/^v/, '') : pkg.version;
    lines.push(`  language package: looked up as ${pkg.ecosystem} '${key}'${pkg.name === 'stdlib' && pkg.go ? ` (Go toolchain ${pkg.go.toolchain} of ${pkg.go.binary})` : ''}`);
  }
  cmp = findComparator(pkg.ecosystem);
  if (!cmp) {
    lines.push(`  not matched: no version order for ${pkg.ecosystem}`);
    return false;
  }
  const mine = rows.filter((r) => r.ecosystem === pkg.ecosystem && r.namespace === namespace && r.package === key);
  if (!mine.length) {
    const other = [...new Set(rows.map((r) => `${r.feed}: ${r.ecosystem}${r.namespace ? ` ${r.namespace}` : ''} '${r.package}'`))].slice(0, 12);
    lines.push(`  not matched: the advisory does not name this package in this ecosystem/release; it names ${other.join('; ')}`);
    return false;
  }
  let hit = false;
  for (const row of mine) {
    const goCmp = pkg.ecosystem === 'golang' ? goAdapter(cmp) : cmp;
    const v = evaluateRow(goCmp, version, row, pkg.ecosystem === 'deb' ? 'dpkg' : pkg.ecosystem);
    lines.push(`  ${row.vulnId} from ${row.feed} (${row.source})${row.status !== 'affected' ? ` [${row.status}${row.statusDetail ? `: ${row.statusDetail}` : ''}]` : ''}:`);
    for (const s of v.steps) lines.push(`    ${s}`);
    lines.push(`    => ${v.affected ? `MATCH${v.fixed ? `, fixed in ${v.fixed}` : ', no fix listed'}` : 'no match'}`);
    hit ||= v.affected;
  }
  return hit;
}

