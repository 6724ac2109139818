/**
 * Vulnerability matching: InventoryReport + VulnStore -> Finding[].
 *
 * One matcher per ecosystem family (distro.ts: deb/apk by source package and release; lang.ts:
 * npm/pypi/golang/maven/... by normalised name, Go stdlib by toolchain). Their row matches are merged
 * here so there is ONE finding per package and vulnerability: advisories that alias one another
 * (CVE <-> GHSA <-> GO- <-> PYSEC <-> NSWG) become one finding listing every id.
 *
 * Severity: the distro's own rating first (Debian urgency), then CVSS (feed vector, then any score
 * for an alias, e.g. NVD enrichment), then GHSA's label; without any rating the finding is `unknown`
 * with severitySource "none". KEV: a finding whose CVE is in CISA's catalog is raised to at least
 * `high`, flagged (`vulnerability.kev`, evidence.priority = "known-exploited") and titled "[KEV]".
 */
import type { Finding, Severity, VulnStatus } from '../../core/finding.js';
import { fingerprint, severityRank } from '../../core/finding.js';
import type { InventoryReport, Package } from '../../inventory/types.js';
import type { KevRow, VulnRow, VulnStore } from '../store.js';
import { severityFromLabel, severityFromScore } from '../cvss.js';
import { matchDistro } from './distro.js';
import { matchLanguage } from './lang.js';
import type { FamilyResult, RowMatch } from './types.js';
import { UNSUPPORTED_RELEASE_RULE } from '../rules.js';
import { makeFinding } from '../../core/rule.js';
import { findComparator } from '../version/index.js';
import { labelRank } from '../feeds/index.js';

export interface MatchOptions {
  ignoreUnfixed?: boolean;
  explain?: boolean;
}

export interface MatchResult {
  findings: Finding[];
  warnings: string[];
  stats: { packages: number; matchedPackages: number; findings: number; ms: number };
}

export function matchInventory(inv: InventoryReport, store: VulnStore, opts: MatchOptions = {}): Finding[] {
  return matchInventoryDetailed(inv, store, opts).findings;
}

export function runFamilies(inv: InventoryReport, store: VulnStore, keepNonMatches: boolean, explain = true): FamilyResult[] {
  return [matchDistro(inv, store, keepNonMatches, explain), matchLanguage(inv, store, keepNonMatches, explain)];
}

export function matchInventoryDetailed(inv: InventoryReport, store: VulnStore, opts: MatchOptions = {}): MatchResult {
  const t0 = performance.now();
  const families = runFamilies(inv, store, false, Boolean(opts.explain));
  const warnings: string[] = [];
  const findings: Finding[] = [];
  const imageName = inv.image?.name ?? inv.image?.ref ?? 'inventory';
  for (const fam of families) {
    warnings.push(...dedupe(fam.warnings).slice(0, 50));
    for (const u of fam.unmatched) {
      if (u.reason.startsWith('owned by')) continue;
      warnings.push(`${u.packages.length} package(s) not matched: ${u.reason}`);
      if (u.reason.includes('vulnerability database has no advisories') || u.reason.includes('cannot be determined')) {
        findings.push(
          makeFinding(UNSUPPORTED_RELEASE_RULE, {
            location: { kind: 'image', image: imageName, path: inv.os?.evidence },
            key: `${u.namespace ?? 'unknown'}`,
            message: `${u.packages.length} OS package(s) were not checked for vulnerabilities: ${u.reason}`,
            evidence: { namespace: u.namespace, packages: u.packages.length, os: inv.os },
          }),
        );
      }
    }
  }
  const all = families.flatMap((f) => f.matches);
  // advisories, then the aliases they name, in bulk
  const matchedIds = [...new Set(all.map((m) => m.row.vulnId))];
  store.prefetch(matchedIds);
  store.prefetch(matchedIds.flatMap((id) => [...store.vulns(id).flatMap((v) => v.aliases), ...store.aliasesOf(id)]));
  const byPkg = new Map<Package, RowMatch[]>();
  for (const m of all) {
    const list = byPkg.get(m.pkg);
    if (list) list.push(m);
    else byPkg.set(m.pkg, [m]);
  }
  // Packages with the same (ecosystem, namespace, name key, compared version) match the same advisory rows
  // (every binary package of one Debian source, say): group and rate those once.
  const groupCache = new Map<string, { ms: RowMatch[]; groups: Array<{ group: { ids: string[]; matches: RowMatch[] }; facts: GroupFacts }> }>();
  for (const [pkg, ms] of byPkg) {
    const m0 = ms[0]!;
    const ck = `${m0.ecosystem}\u0000${m0.namespace}\u0000${m0.key}\u0000${m0.version}`;
    let cached = groupCache.get(ck);
    if (!cached || !sameRows(cached.ms, ms)) {
      cached = { ms, groups: groupByAlias(ms, store).map((group) => ({ group, facts: groupFacts(group, store) })) };
      groupCache.set(ck, cached);
    }
    for (const { group, facts } of cached.groups) {
      const f = buildFinding(inv, imageName, pkg, group, facts, opts);
      if (opts.ignoreUnfixed && f.vulnerability!.status !== 'fixed') continue;
      findings.push(f);
    }
  }
  return {
    findings,
    warnings,
    stats: { packages: inv.packages.length, matchedPackages: byPkg.size, findings: findings.length, ms: performance.now() - t0 },
  };
}

function vulnFingerprint(id: string, imageName: string, pkg: Package): string {
  return fingerprint(id, imageName, pkg.ecosystem, pkg.name, pkg.version, pkg.path);
}

function sameRows(a: RowMatch[], b: RowMatch[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.row !== y.row || x.key !== y.key || x.version !== y.version || x.ecosystem !== y.ecosystem || x.namespace !== y.namespace) return false;
  }
  return true;
}

function dedupe(a: string[]): string[] {
  return [...new Set(a)];
}

/** Union-find over advisory ids and their aliases, per package. */
export function groupByAlias(ms: RowMatch[], store: VulnStore): Array<{ ids: string[]; matches: RowMatch[] }> {
  // most advisories (distro CVEs) name no aliases and are named by none: each id is then its own group
  let linked = false;
  for (const m of ms) {
    const id = m.row.vulnId;
    if (store.aliasesOf(id).length || store.vulns(id).some((v) => v.aliases.length)) {
      linked = true;
      break;
    }
  }
  if (!linked) {
    const byId = new Map<string, { ids: string[]; matches: RowMatch[] }>();
    for (const m of ms) {
      const g = byId.get(m.row.vulnId);
      if (g) g.matches.push(m);
      else byId.set(m.row.vulnId, { ids: [m.row.vulnId], matches: [m] });
    }
    return [...byId.values()];
  }
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? (parent.set(r, r), r);
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const m of ms) {
    const id = m.row.vulnId;
    find(id);
    for (const v of store.vulns(id)) for (const a of v.aliases) union(id, a);
    for (const a of store.aliasesOf(id)) union(id, a);
  }
  const groups = new Map<string, { ids: Set<string>; matches: RowMatch[] }>();
  for (const m of ms) {
    const r = find(m.row.vulnId);
    const g = groups.get(r) ?? { ids: new Set<string>(), matches: [] };
    g.matches.push(m);
    groups.set(r, g);
  }
  for (const [x] of parent) {
    const g = groups.get(find(x));
    if (g) g.ids.add(x);
  }
  return [...groups.values()].map((g) => ({ ids: [...g.ids].sort(), matches: g.matches }));
}


export function primaryId(ids: string[], matches: RowMatch[]): string {
  if (ids.length === 1 && matches.every((m) => m.row.vulnId === ids[0])) return ids[0]!;
  const cves = ids.filter((i) => /^CVE-\d{4}-\d+$/.test(i)).sort(cveSort);
  const own = matches.map((m) => m.row.vulnId).find((i) => /^CVE-/.test(i));
  if (own) return own;
  if (cves.length) return cves[0]!;
  const sorted = [...matches].sort((a, b) => labelRank(a.row.feed) - labelRank(b.row.feed));
  return sorted[0]!.row.vulnId;
}

function cveSort(a: string, b: string): number {
  const [, ya, na] = a.split('-');
  const [, yb, nb] = b.split('-');
  return Number(ya) - Number(yb) || Number(na) - Number(nb);
}

const STATUS_RANK: Record<string, number> = { affected: 0, fix_deferred: 1, will_not_fix: 2, end_of_life: 3 };

function bestMatch(ms: RowMatch[], cmpFixed: (a: string, b: string) => number): { status: VulnStatus; fixed?: string; main: RowMatch } {
  // a fix from any feed wins over "no fix"; among fixes take the highest (every feed's fix is then included)
  if (ms.length === 1) {
    const only = ms[0]!;
    if (only.verdict.fixed) return { status: 'fixed', fixed: only.verdict.fixed, main: only };
    return { status: only.row.status === 'not_affected' ? 'affected' : (only.row.status as VulnStatus), main: only };
  }
  const withFix = ms.filter((m) => m.verdict.fixed);
  if (withFix.length) {
    const main = withFix.reduce((a, b) => (safeCmp(cmpFixed, b.verdict.fixed!, a.verdict.fixed!) > 0 ? b : a));
    return { status: 'fixed', fixed: main.verdict.fixed, main };
  }
  const main = [...ms].sort((a, b) => (STATUS_RANK[a.row.status] ?? 9) - (STATUS_RANK[b.row.status] ?? 9))[0]!;
  return { status: main.row.status === 'not_affected' ? 'affected' : (main.row.status as VulnStatus), main };
}

function safeCmp(cmp: (a: string, b: string) => number, a: string, b: string): number {
  try {
    return cmp(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

export function resolveSeverity(
  ids: string[],
  ms: RowMatch[],
  store: VulnStore,
  vulnRows: VulnRow[] = ids.flatMap((i) => store.vulns(i)),
): { severity: Severity; source: string; cvss?: { score: number; vector: string; version: string } } {
  // the first CVSS v3 of the feeds' own, else their first CVSS of any version; else the same from scores by id
  let cvss: { score: number; vector: string; version: string } | undefined;
  let anyCvss: typeof cvss;
  for (const v of vulnRows) {
    if (!v.cvss) continue;
    if (v.cvss.version.startsWith('3')) {
      cvss = v.cvss;
      break;
    }
    anyCvss ??= v.cvss;
  }
  cvss ??= anyCvss;
  if (!cvss) {
    let s3: { score: number; vector: string; version: string } | undefined;
    let first: typeof s3;
    for (const i of ids) {
      for (const x of store.scores(i)) {
        first ??= x;
        if (x.version.startsWith('3')) {
          s3 = x;
          break;
        }
      }
      if (s3) break;
    }
    const s = s3 ?? first;
    if (s) cvss = { score: s.score, vector: s.vector, version: s.version };
  }
  const withSev = ms.find((m) => m.row.severity);
  const distro = withSev ? { sev: withSev.row.severity, feed: withSev.row.feed } : undefined;
  if (distro?.sev) {
    const s = severityFromLabel(distro.sev);
    if (s) return { severity: s, source: `${distro.feed} urgency ${distro.sev}`, cvss };
  }
  if (cvss) return { severity: severityFromScore(cvss.score), source: `CVSS ${cvss.version} ${cvss.score}`, cvss };
  const label = vulnRows.find((v) => v.severityLabel);
  if (label) {
    const s = severityFromLabel(label.severityLabel);
    if (s) return { severity: s, source: `${label.feed} severity ${label.severityLabel}` };
  }
  return { severity: 'unknown', source: 'none (no rating in any feed)' };
}

/** Everything about one alias group that does not depend on which package it was found in. */
interface GroupFacts {
  id: string;
  aliases: string[];
  status: VulnStatus;
  fixed?: string;
  main: RowMatch;
  severity: Severity;
  baseSeverity: Severity;
  sev: ReturnType<typeof resolveSeverity>;
  kev?: KevRow;
  feeds: string[];
  summary?: string;
  references: string[];
  messageTail: string;
  remediationNoFix?: string;
}

function groupFacts(group: { ids: string[]; matches: RowMatch[] }, store: VulnStore): GroupFacts {
  const { ids, matches } = group;
  const id = primaryId(ids, matches);
  const aliases = ids.filter((i) => i !== id);
  const first = matches[0]!;
  const cmpFixed = (a: string, b: string) => (first.verdict.fixed ? compareWith(first, a, b) : 0);
  const { status, fixed, main } = bestMatch(matches, cmpFixed);
  const vulnRows = ids.flatMap((i) => store.vulns(i));
  const sev = resolveSeverity(ids, matches, store, vulnRows);
  let severity = sev.severity;
  let kev = store.kev(id);
  for (let i = 0; !kev && i < aliases.length; i++) kev = store.kev(aliases[i]!);
  if (kev && severityRank(severity) < severityRank('high')) severity = 'high';
  const feeds: string[] = [];
  for (const m of matches) if (!feeds.includes(m.row.feed)) feeds.push(m.row.feed);
  const summary = vulnRows.find((v) => v.summary)?.summary;
  const references = new Set<string>([id]);
  for (const a of aliases) references.add(a);
  for (const v of vulnRows) if (v.url && matches.some((m) => m.row.source === v.source)) references.add(v.url);
  const remediationNoFix =
    status === 'will_not_fix'
      ? `no fix yet: the distro will not fix this (${main.row.statusDetail ?? 'will not fix'})`
      : status === 'fix_deferred'
        ? `no fix yet: the fix is postponed (${main.row.statusDetail ?? 'deferred'})`
        : status === 'end_of_life'
          ? 'no fix yet: the release is end-of-life; move to a supported release'
          : status === 'fixed'
            ? undefined
            : 'no fix yet';
  return {
    id,
    aliases,
    status,
    fixed,
    main,
    severity,
    baseSeverity: sev.severity,
    sev,
    kev,
    feeds,
    summary,
    references: [...references],
    messageTail: `${id}${aliases.length ? ` (${aliases.join(', ')})` : ''}${summary ? `: ${oneLine(summary)}` : ''}`,
    remediationNoFix,
  };
}

function buildFinding(
  inv: InventoryReport,
  imageName: string,
  pkg: Package,
  group: { ids: string[]; matches: RowMatch[] },
  facts: GroupFacts,
  opts: MatchOptions,
): Finding {
  const { matches } = group;
  const { id, status, fixed, main, kev, severity } = facts;
  const evidence: Record<string, unknown> = { matchedName: main.key, comparedVersion: main.version, namespace: main.namespace || undefined };
  if (kev) {
    evidence.priority = 'known-exploited';
    evidence.baseSeverity = facts.baseSeverity;
  }
  const pkgLabel = pkg.sourceName && pkg.sourceName !== pkg.name ? `${pkg.name} (source ${pkg.sourceName})` : pkg.name;
  const remediation = status === 'fixed' ? `upgrade ${pkgLabel} to ≥ ${fixed}` : facts.remediationNoFix!;
  const layer = pkg.layerIndex !== undefined ? inv.image?.layers.find((l) => l.index === pkg.layerIndex) : undefined;
  const origin = layer?.base === undefined ? undefined : layer.base ? 'base' : 'app';
  const explanation = opts.explain ? explainChain(pkg, matches, status, fixed, id) : undefined;
  const f: Finding = {
    ruleId: id,
    title: `${kev ? '[KEV] ' : ''}${id} in ${pkg.name} ${pkg.version}`,
    severity,
    stage: 'image',
    message: `${pkgLabel} ${pkg.version} is affected by ${facts.messageTail}`,
    location: { kind: 'image', image: imageName, layerDigest: pkg.layerDigest, layerIndex: pkg.layerIndex, path: pkg.path },
    remediation: { text: remediation },
    references: facts.references.slice(),
    fingerprint: vulnFingerprint(id, imageName, pkg),
    vulnerability: {
      id,
      aliases: facts.aliases.slice(),
      package: {
        name: pkg.name,
        version: pkg.version,
        ecosystem: pkg.ecosystem,
        purl: pkg.purl,
        layerDigest: pkg.layerDigest,
        sourceName: pkg.sourceName,
        sourceVersion: pkg.sourceVersion,
      },
      status,
      statusDetail: main.row.statusDetail,
      fixedVersion: fixed,
      severitySource: facts.sev.source,
      cvss: facts.sev.cvss,
      kev: kev ? { dateAdded: kev.dateAdded, dueDate: kev.dueDate, knownRansomware: kev.ransomware } : undefined,
      feed: facts.feeds.join(','),
      origin,
      explanation,
    },
    evidence,
  };
  if (origin) f.origin = origin;
  return f;
}

function oneLine(s: string): string {
  const l = s.replace(/\s+/g, ' ').trim();
  return l.length > 160 ? `${l.slice(0, 157)}...` : l;
}

function compareWith(m: RowMatch, a: string, b: string): number {
  const cmp = findComparator(m.ecosystem);
  if (!cmp) return 0;
  const f = (v: string) => (m.ecosystem === 'golang' ? v.replace(/^v/, '') : v);
  return cmp.compare(f(a), f(b));
}

/** file -> package -> advisory -> comparison -> status */
export function explainChain(pkg: Package, matches: RowMatch[], status: VulnStatus, fixed: string | undefined, id: string): string[] {
  const lines: string[] = [];
  lines.push(`file: ${pkg.path}${pkg.layerIndex !== undefined ? ` (layer ${pkg.layerIndex}${pkg.layerDigest ? ` ${pkg.layerDigest.slice(0, 19)}` : ''})` : ''}`);
  const src = pkg.sourceName && (pkg.sourceName !== pkg.name || (pkg.sourceVersion && pkg.sourceVersion !== pkg.version)) ? `, source ${pkg.sourceName} ${pkg.sourceVersion ?? ''}`.trimEnd() : '';
  lines.push(`package: ${pkg.ecosystem} ${pkg.name} ${pkg.version}${src}${pkg.go?.toolchain ? `, built with ${pkg.go.toolchain}` : ''}`);
  for (const m of matches) {
    lines.push(
      `advisory: ${m.row.vulnId} from ${m.row.feed} (${m.row.source}) for ${m.ecosystem} ${m.namespace ? `${m.namespace} ` : ''}package '${m.row.package}'` +
        `${m.row.status !== 'affected' ? ` [${m.row.status}${m.row.statusDetail ? `: ${m.row.statusDetail}` : ''}]` : ''}`,
    );
    for (const s of m.verdict.steps) lines.push(`comparison: ${s}`);
  }
  lines.push(`status: ${id} ${status}${fixed ? `, fixed in ${fixed}` : ''}`);
  return lines;
}
