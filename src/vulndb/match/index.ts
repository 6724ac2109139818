/**
 * Vulnerability matching: InventoryReport + VulnStore -> Finding[].
 *
 * One matcher per ecosystem family (distro.ts: deb/apk by source package and release; lang.ts:
 * npm/pypi/golang/maven/... by normalised name, Go stdlib by toolchain). Their row matches are merged
 * here so there is ONE finding per package and vulnerability: advisories that alias one another
 * (CVE <-> GHSA <-> GO- <-> PYSEC <-> NSWG) become one finding listing every id.
 *
 * Severity: every rating of the finding's ids (CVSS vectors, vendor words, NVD) plus the distro's urgency on
 * the matched rows, ordered by `ratings.ts` (vendor first for OS packages, GitHub/NVD first for language
 * packages, or `--severity-source`); the first sets the severity, all are listed. No rating: `unknown`.
 * KEV: a finding whose id or alias is in CISA's catalog is flagged (`vulnerability.kev`,
 * evidence.priority = "known-exploited", title "[KEV] ...") and sorts first within its severity; its
 * severity stays what the ratings say.
 */
import type { Finding, Severity, SeverityRating, VulnStatus } from '../../core/finding.js';
import { fingerprintParts, fingerprintWith } from '../../core/finding.js';
import type { InventoryReport, Package } from '../../inventory/types.js';
import type { AdvisoryInfo, VulnStore } from '../store.js';
import { vendorRating } from '../cvss.js';
import { chooseRating, dedupeRatings, describeRating } from '../ratings.js';
import { matchDistro } from './distro.js';
import { matchLanguage } from './lang.js';
import type { FamilyResult, RowMatch } from './types.js';
import { UNSUPPORTED_RELEASE_RULE } from '../rules.js';
import { makeFinding } from '../../core/rule.js';
import { findComparator } from '../version/index.js';
import { labelRank, rowRater } from '../feeds/index.js';

export interface MatchOptions {
  ignoreUnfixed?: boolean;
  explain?: boolean;
  /** rating sources in preference order (`--severity-source`; `auto` = the default order); undefined: the default */
  severitySources?: string[];
}

export interface MatchResult {
  findings: Finding[];
  warnings: string[];
  /**
   * ms: the whole match; rowsMs: of which looking up and evaluating the advisory rows; groupsMs: of which grouping
   * each package's matched rows by advisory and rating the groups (the rest reads advisory records and builds the findings)
   */
  stats: { packages: number; matchedPackages: number; findings: number; ms: number; rowsMs: number; groupsMs: number };
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
  const rowsMs = performance.now() - t0;
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
  // (plain indexed loops below: this runs once per scan over tens of thousands of rows, mostly before the JIT
  // has optimised it, and for-of iterators and per-item closures are what cost most then)
  // advisory records of the matched ids, then of the ids they link to as aliases, in two queries
  const matchedIds = new Set<string>();
  const seenArrays = new Set<RowMatch[]>();
  for (let f = 0; f < families.length; f++) {
    const pms = families[f]!.matches;
    for (let i = 0; i < pms.length; i++) {
      const ms = pms[i]!.matches;
      if (seenArrays.has(ms)) continue;
      seenArrays.add(ms);
      for (let j = 0; j < ms.length; j++) if (ms[j]!.row.more !== false) matchedIds.add(ms[j]!.row.vulnId);
    }
  }
  store.preloadAdvisories(matchedIds);
  const linked: string[] = [];
  for (const id of matchedIds) {
    const links = store.advisory(id)?.links;
    if (links?.length) for (let i = 0; i < links.length; i++) linked.push(links[i]!);
  }
  if (linked.length) store.preloadAdvisories(linked);
  // packages sharing one matches array (every binary package of one Debian source) are grouped and rated once
  const groupCache = new Map<RowMatch[], GroupFacts[]>();
  // severity choices shared by single-row groups of the same feed, word and namespace (read-only, frozen ratings)
  const sevCache: SevCache = new Map();
  const origins = layerOrigins(inv);
  let matchedPackages = 0;
  let groupsMs = 0;
  for (let f = 0; f < families.length; f++) {
    const pms = families[f]!.matches;
    for (let i = 0; i < pms.length; i++) {
      const pm = pms[i]!;
      matchedPackages++;
      let groups = groupCache.get(pm.matches);
      if (!groups) {
        const tg = performance.now();
        groups = plainGroups(pm.matches, store, opts, sevCache);
        if (!groups) {
          const gs = groupByAlias(pm.matches, store);
          groups = new Array<GroupFacts>(gs.length);
          for (let g = 0; g < gs.length; g++) groups[g] = groupFacts(gs[g]!, store, opts, sevCache);
        }
        groupCache.set(pm.matches, groups);
        groupsMs += performance.now() - tg;
      }
      const ctx = packageContext(pm.pkg, pm.matches[0]!, imageName, origins);
      for (let g = 0; g < groups.length; g++) {
        const facts = groups[g]!;
        if (opts.ignoreUnfixed && facts.status !== 'fixed') continue;
        findings.push(buildFinding(ctx, facts, opts));
      }
    }
  }
  return {
    findings,
    warnings,
    stats: { packages: inv.packages.length, matchedPackages, findings: findings.length, ms: performance.now() - t0, rowsMs, groupsMs },
  };
}

interface AliasGroup {
  /** every id of the group, sorted */
  ids: string[];
  matches: RowMatch[];
}

function dedupe(a: string[]): string[] {
  return [...new Set(a)];
}

/**
 * Groups a package's row matches by advisory, advisories that alias one another in one group (union-find over
 * the ids that have alias links; an id without any is its own group). Groups come in the order of their first
 * row, each group's ids sorted.
 */
export function groupByAlias(ms: RowMatch[], store: VulnStore): AliasGroup[] {
  // most advisories (distro CVEs) name no aliases and are named by none: only the others go through union-find
  let parent: Map<string, string> | undefined;
  for (let i = 0; i < ms.length; i++) {
    const row = ms[i]!.row;
    if (row.more === false) continue;
    const links = store.advisory(row.vulnId)?.links;
    if (!links?.length) continue;
    parent ??= new Map();
    find(parent, row.vulnId);
    for (let j = 0; j < links.length; j++) union(parent, row.vulnId, links[j]!);
  }
  const out: AliasGroup[] = [];
  const byRoot = new Map<string, AliasGroup>();
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i]!;
    const id = m.row.vulnId;
    // an id some linked id names is in that component even without links of its own
    const linked = parent !== undefined && parent.has(id);
    const root = linked ? find(parent!, id) : id;
    const g = byRoot.get(root);
    if (g) g.matches.push(m);
    else {
      const ng: AliasGroup = { ids: linked ? [] : [id], matches: [m] };
      byRoot.set(root, ng);
      out.push(ng);
    }
  }
  if (parent) {
    const filled = new Set<AliasGroup>();
    for (const x of parent.keys()) {
      const g = byRoot.get(find(parent, x));
      if (g) {
        g.ids.push(x);
        filled.add(g);
      }
    }
    for (const g of filled) sortIds(g.ids);
  }
  return out;
}

/**
 * Sorts ids as `Array.prototype.sort()` does (by UTF-16 code units): an alias group holds a few ids, and the
 * built-in sort allocates its work arrays on every call.
 */
function sortIds(ids: string[]): void {
  for (let i = 1; i < ids.length; i++) {
    const x = ids[i]!;
    let j = i - 1;
    while (j >= 0 && ids[j]! > x) {
      ids[j + 1] = ids[j]!;
      j--;
    }
    ids[j + 1] = x;
  }
}

function find(parent: Map<string, string>, x: string): string {
  let r = x;
  for (;;) {
    const p = parent.get(r);
    if (p === undefined) {
      parent.set(r, r);
      break;
    }
    if (p === r) break;
    r = p;
  }
  parent.set(x, r);
  return r;
}

function union(parent: Map<string, string>, a: string, b: string): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra !== rb) parent.set(ra, rb);
}

const CVE_ID = /^CVE-\d{4}-\d+$/;

/** The id a finding is reported under: a CVE the matched rows carry, else the oldest CVE alias, else the best-ranked feed's id. */
export function primaryId(ids: string[], matches: RowMatch[]): string {
  if (ids.length === 1) {
    let same = true;
    for (let i = 0; i < matches.length && same; i++) same = matches[i]!.row.vulnId === ids[0];
    if (same) return ids[0]!;
  }
  for (let i = 0; i < matches.length; i++) {
    const own = matches[i]!.row.vulnId;
    if (own.startsWith('CVE-')) return own;
  }
  let cve: string | undefined;
  for (const i of ids) if (CVE_ID.test(i) && (!cve || cveSort(i, cve) < 0)) cve = i;
  if (cve) return cve;
  let best = matches[0]!;
  for (let i = 1; i < matches.length; i++) if (labelRank(matches[i]!.row.feed) < labelRank(best.row.feed)) best = matches[i]!;
  return best.row.vulnId;
}

function cveSort(a: string, b: string): number {
  const [, ya, na] = a.split('-');
  const [, yb, nb] = b.split('-');
  return Number(ya) - Number(yb) || Number(na) - Number(nb);
}

const STATUS_RANK: Record<string, number> = { affected: 0, fix_deferred: 1, will_not_fix: 2, end_of_life: 3 };

/**
 * The status of a group: a fix from any feed wins over "no fix", and among fixes the highest (every feed's
 * fix is then included); without a fix, the most actionable status (affected before deferred, will-not-fix, EOL).
 */
function bestMatch(ms: RowMatch[]): { status: VulnStatus; fixed?: string; main: RowMatch } {
  if (ms.length === 1) {
    const only = ms[0]!;
    if (only.verdict.fixed) return { status: 'fixed', fixed: only.verdict.fixed, main: only };
    return { status: only.row.status === 'not_affected' ? 'affected' : (only.row.status as VulnStatus), main: only };
  }
  let withFix: RowMatch | undefined;
  for (const m of ms) {
    if (!m.verdict.fixed) continue;
    if (!withFix || compareFixed(m, m.verdict.fixed, withFix.verdict.fixed!) > 0) withFix = m;
  }
  if (withFix) return { status: 'fixed', fixed: withFix.verdict.fixed, main: withFix };
  let main = ms[0]!;
  for (const m of ms) if ((STATUS_RANK[m.row.status] ?? 9) < (STATUS_RANK[main.row.status] ?? 9)) main = m;
  return { status: main.row.status === 'not_affected' ? 'affected' : (main.row.status as VulnStatus), main };
}

/** Orders two fixed versions of one package's ecosystem (Go's with or without "v"); by text when they do not parse. */
function compareFixed(m: RowMatch, a: string, b: string): number {
  const cmp = findComparator(m.ecosystem);
  if (!cmp) return 0;
  const go = m.ecosystem === 'golang';
  try {
    return cmp.compare(go ? a.replace(/^v/, '') : a, go ? b.replace(/^v/, '') : b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** How a group's severity was chosen: the ordered ratings, the chosen one, and the words for severitySource. */
export interface SeverityChoice {
  severity: Severity;
  source: string;
  rating?: SeverityRating;
  ratings: SeverityRating[];
  cvss?: { score: number; vector: string; version: string };
}

/** The choice for a vulnerability no source rated (most distro advisories): shared, read-only. */
const NO_RATING: SeverityChoice = Object.freeze({
  severity: 'unknown',
  source: 'none (no rating in any feed)',
  ratings: Object.freeze([]) as unknown as SeverityRating[],
});

/**
 * Every rating of the group's ids (each credited with the id it was published under, when that is not the
 * primary id) and the urgency of the matched rows, ordered and chosen by `ratings.ts`.
 */
export function resolveSeverity(
  ids: string[],
  primary: string,
  ms: RowMatch[],
  store: VulnStore,
  order?: string[],
  infos: Array<AdvisoryInfo | undefined> = ids.map((i) => store.advisory(i)),
): SeverityChoice {
  let all: SeverityRating[] | undefined;
  for (let i = 0; i < ms.length; i++) {
    const row = ms[i]!.row;
    if (!row.severity) continue;
    const rater = rowRater(row.feed);
    const r = rater ? vendorRating(rater, row.severity) : undefined;
    if (r) (all ??= []).push(row.vulnId === primary ? r : { ...r, id: row.vulnId });
  }
  for (let i = 0; i < ids.length; i++) {
    const rs = infos[i]?.ratings;
    if (!rs?.length) continue;
    for (let j = 0; j < rs.length; j++) (all ??= []).push(ids[i] === primary ? rs[j]! : { ...rs[j]!, id: ids[i] });
  }
  if (!all) return NO_RATING;
  const namespace = ms[0]?.namespace ?? '';
  const { chosen, ordered } = chooseRating(all.length > 1 ? dedupeRatings(all) : all, namespace, order);
  let cvss = cvssOf(chosen);
  for (let i = 0; !cvss && i < ordered.length; i++) cvss = cvssOf(ordered[i]);
  Object.freeze(ordered);
  if (!chosen) {
    return { severity: 'unknown', source: `none (no rating from ${order?.join(', ') ?? 'the preferred sources'})`, ratings: ordered, ...(cvss ? { cvss } : {}) };
  }
  return { severity: chosen.severity, source: describeRating(chosen), rating: chosen, ratings: ordered, ...(cvss ? { cvss } : {}) };
}

function cvssOf(r: SeverityRating | undefined): SeverityChoice['cvss'] {
  return r && r.vector && r.score !== undefined && r.method.startsWith('CVSS:') ? { score: r.score, vector: r.vector, version: r.method.slice(5) } : undefined;
}

/** Everything about one alias group that does not depend on which package it was found in. */
export interface GroupFacts {
  id: string;
  aliases: string[];
  /** the group's row matches; undefined when it is `main` alone */
  matches: RowMatch[] | undefined;
  status: VulnStatus;
  fixed?: string;
  main: RowMatch;
  severity: Severity;
  sev: SeverityChoice;
  kev?: NonNullable<AdvisoryInfo['kev']>;
  /** the feeds whose rows matched, comma-separated */
  feed: string;
  references: string[];
  /** "[KEV] ID" or "ID" */
  titleHead: string;
  messageTail: string;
  remediationNoFix?: string;
}

const NO_ALIASES: string[] = Object.freeze([]) as unknown as string[];

/** Severity choices of single-row groups without a record, by feed, then the feed's word ('' none), then namespace. */
type SevCache = Map<string, Map<string, Map<string, SeverityChoice>>>;

/**
 * The groups of a package's row matches when every row is plain (its advisory has nothing to look up, so no alias
 * links) and names an advisory no other row names: one group per row, in row order, each built by `plainFacts` (what
 * `groupByAlias` and `groupFacts` give for such rows, without an alias group per row). Undefined otherwise.
 */
function plainGroups(ms: RowMatch[], store: VulnStore, opts: MatchOptions, sevCache: SevCache): GroupFacts[] | undefined {
  for (let i = 0; i < ms.length; i++) if (ms[i]!.row.more !== false) return undefined;
  if (ms.length > 1) {
    const ids = new Set<string>();
    for (let i = 0; i < ms.length; i++) ids.add(ms[i]!.row.vulnId);
    if (ids.size !== ms.length) return undefined;
  }
  const out = new Array<GroupFacts>(ms.length);
  for (let i = 0; i < ms.length; i++) out[i] = plainFacts(ms[i]!, store, opts, sevCache);
  return out;
}

function groupFacts(group: AliasGroup, store: VulnStore, opts: MatchOptions, sevCache: SevCache): GroupFacts {
  const { ids, matches } = group;
  if (ids.length === 1 && matches.length === 1 && matches[0]!.row.more === false) return plainFacts(matches[0]!, store, opts, sevCache);
  const id = primaryId(ids, matches);
  let aliases = NO_ALIASES;
  if (ids.length > 1) {
    aliases = [];
    for (const i of ids) if (i !== id) aliases.push(i);
    Object.freeze(aliases);
  }
  const { status, fixed, main } = bestMatch(matches);
  // a single advisory whose rows carry everything (no summary, links, ratings or KEV): no lookup
  let plain = ids.length === 1;
  for (let i = 0; i < matches.length && plain; i++) plain = matches[i]!.row.more === false;
  const infos = new Array<AdvisoryInfo | undefined>(ids.length);
  let own: AdvisoryInfo | undefined;
  if (!plain) {
    for (let i = 0; i < ids.length; i++) {
      infos[i] = store.advisory(ids[i]!);
      if (ids[i] === id) own = infos[i];
    }
  }
  const sev = resolveSeverity(ids, id, matches, store, opts.severitySources, infos);
  let kev = own?.kev;
  let summary = own?.summary;
  for (let i = 0; i < infos.length; i++) {
    kev ??= infos[i]?.kev;
    summary ??= infos[i]?.summary;
  }
  let feed = matches[0]!.row.feed;
  for (let i = 1; i < matches.length; i++) {
    const f = matches[i]!.row.feed;
    if (!(',' + feed + ',').includes(',' + f + ',')) feed += ',' + f;
  }
  const references: string[] = [id];
  for (let i = 0; i < aliases.length; i++) references.push(aliases[i]!);
  if (plain) {
    for (let j = 0; j < matches.length; j++) {
      const u = matches[j]!.row.url;
      if (u && !references.includes(u)) references.push(u);
    }
  }
  for (let i = 0; i < infos.length; i++) {
    const urls = infos[i]?.urls;
    if (!urls) continue;
    for (let j = 0; j < matches.length; j++) {
      const u = urls[matches[j]!.row.source];
      if (u && !references.includes(u)) references.push(u);
    }
  }
  const remediationNoFix = noFixText(status, main);
  return {
    id,
    aliases,
    matches,
    status,
    fixed,
    main,
    severity: sev.severity,
    sev,
    kev,
    feed,
    references: Object.freeze(references) as string[],
    titleHead: kev ? `[KEV] ${id}` : id,
    messageTail: `${id}${aliases.length ? ` (${aliases.join(', ')})` : ''}${summary ? `: ${oneLine(summary)}` : ''}`,
    remediationNoFix,
  };
}

/** The remediation text of a group without a fix (undefined when fixed). */
function noFixText(status: VulnStatus, main: RowMatch): string | undefined {
  return status === 'will_not_fix'
    ? `no fix yet: the distro will not fix this (${main.row.statusDetail ?? 'will not fix'})`
    : status === 'fix_deferred'
      ? `no fix yet: the fix is postponed (${main.row.statusDetail ?? 'deferred'})`
      : status === 'end_of_life'
        ? 'no fix yet: the release is end-of-life; move to a supported release'
        : status === 'fixed'
          ? undefined
          : 'no fix yet';
}

/**
 * `groupFacts` of the commonest group (most distro advisories): one row of one id with nothing to look up. Its
 * severity depends on the row's feed, word and namespace alone, so it is chosen once per such triple.
 */
function plainFacts(m: RowMatch, store: VulnStore, opts: MatchOptions, sevCache: SevCache): GroupFacts {
  const row = m.row;
  const id = row.vulnId;
  const fixed = m.verdict.fixed || undefined;
  const status: VulnStatus = fixed ? 'fixed' : row.status === 'not_affected' ? 'affected' : (row.status as VulnStatus);
  let byWord = sevCache.get(row.feed);
  if (!byWord) sevCache.set(row.feed, (byWord = new Map()));
  const word = row.severity ?? '';
  let byNs = byWord.get(word);
  if (!byNs) byWord.set(word, (byNs = new Map()));
  let sev = byNs.get(m.namespace);
  if (!sev) byNs.set(m.namespace, (sev = resolveSeverity([id], id, [m], store, opts.severitySources, [undefined])));
  const u = row.url;
  const references = u && u !== id ? [id, u] : [id];
  return {
    id,
    aliases: NO_ALIASES,
    matches: undefined,
    status,
    fixed,
    main: m,
    severity: sev.severity,
    sev,
    kev: undefined,
    feed: row.feed,
    references: Object.freeze(references) as string[],
    titleHead: id,
    messageTail: id,
    remediationNoFix: noFixText(status, m),
  };
}

/** Base-image origin of each layer index, when the inventory knows it. */
function layerOrigins(inv: InventoryReport): Map<number, 'base' | 'app'> {
  const m = new Map<number, 'base' | 'app'>();
  for (const l of inv.image?.layers ?? []) if (l.base !== undefined) m.set(l.index, l.base ? 'base' : 'app');
  return m;
}

/**
 * What every finding of one package shares. The location, package reference, evidence and remediation
 * objects are shared (frozen) by that package's findings, and references, aliases and ratings by all findings
 * of one advisory group: a scan can make tens of thousands of findings, and these are read-only data.
 */
export interface PackageContext {
  pkg: Package;
  label: string;
  /** " in NAME VERSION" (title) and "LABEL VERSION is affected by " (message) */
  titleTail: string;
  messageHead: string;
  fpParts: string;
  location: Finding['location'];
  ref: NonNullable<Finding['vulnerability']>['package'];
  evidence: Record<string, unknown>;
  evidenceKev?: Record<string, unknown>;
  origin?: 'base' | 'app';
  remediations: Map<string, Finding['remediation']>;
  remediationsFixed?: Map<string, Finding['remediation']>;
}

export function packageContext(pkg: Package, m: RowMatch, imageName: string, origins: Map<number, 'base' | 'app'>): PackageContext {
  const label = pkg.sourceName && pkg.sourceName !== pkg.name ? `${pkg.name} (source ${pkg.sourceName})` : pkg.name;
  return {
    pkg,
    label,
    titleTail: ` in ${pkg.name} ${pkg.version}`,
    messageHead: `${label} ${pkg.version} is affected by `,
    fpParts: fingerprintParts(imageName, pkg.ecosystem, pkg.name, pkg.version, pkg.path),
    location: Object.freeze({ kind: 'image', image: imageName, layerDigest: pkg.layerDigest, layerIndex: pkg.layerIndex, path: pkg.path }),
    ref: Object.freeze({
      name: pkg.name,
      version: pkg.version,
      ecosystem: pkg.ecosystem,
      purl: pkg.purl,
      layerDigest: pkg.layerDigest,
      sourceName: pkg.sourceName,
      sourceVersion: pkg.sourceVersion,
    }),
    evidence: Object.freeze({ matchedName: m.key, comparedVersion: m.version, namespace: m.namespace || undefined }),
    origin: pkg.layerIndex !== undefined ? origins.get(pkg.layerIndex) : undefined,
    remediations: new Map(),
  };
}

/** One finding of a package and an advisory group (the bench's floor of the first match calls it too). */
export function buildFinding(ctx: PackageContext, facts: GroupFacts, opts: MatchOptions): Finding {
  const { pkg } = ctx;
  const { id, status, fixed, main, kev } = facts;
  // keyed by the fixed version, or by the text when there is no fix (two maps: no key string to build)
  const byKey = status === 'fixed' ? (ctx.remediationsFixed ??= new Map()) : ctx.remediations;
  const key = status === 'fixed' ? fixed! : facts.remediationNoFix!;
  let remediation = byKey.get(key);
  if (!remediation) byKey.set(key, (remediation = Object.freeze({ text: status === 'fixed' ? `upgrade ${ctx.label} to ≥ ${fixed}` : facts.remediationNoFix! })));
  const evidence = kev ? (ctx.evidenceKev ??= Object.freeze({ ...ctx.evidence, priority: 'known-exploited' })) : ctx.evidence;
  const f: Finding = {
    ruleId: id,
    title: facts.titleHead + ctx.titleTail,
    severity: facts.severity,
    stage: 'image',
    message: ctx.messageHead + facts.messageTail,
    location: ctx.location,
    remediation,
    references: facts.references,
    fingerprint: fingerprintWith(id, ctx.fpParts),
    vulnerability: {
      id,
      aliases: facts.aliases,
      package: ctx.ref,
      status,
      statusDetail: main.row.statusDetail,
      fixedVersion: fixed,
      severitySource: facts.sev.source,
      rating: facts.sev.rating,
      ratings: facts.sev.ratings,
      cvss: facts.sev.cvss,
      kev,
      feed: facts.feed,
      origin: ctx.origin,
      explanation: opts.explain ? explainChain(pkg, facts.matches ?? [main], status, fixed, id) : undefined,
    },
    evidence,
  };
  if (ctx.origin) f.origin = ctx.origin;
  return f;
}

/** A summary the collapse leaves as it is: printable ASCII, single spaces between words (the commonest). */
function isOneLine(s: string): boolean {
  if (s.length > 160) return false;
  let prev = 32; // a leading space needs trimming
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 ? prev === 32 : c < 33 || c > 126) return false;
    prev = c;
  }
  return prev !== 32;
}

function oneLine(s: string): string {
  // (the regular expression below costs a few microseconds a call in a cold process: most summaries need none)
  if (isOneLine(s)) return s;
  // a long summary (OSV details run to kilobytes): collapsing a head that already gives more than 161 characters
  // gives the same 157 (the full text's trailing trim removes at most one collapsed space)
  if (s.length > 400) {
    const head = s.slice(0, 400).replace(/\s+/g, ' ').trimStart();
    if (head.length > 161) return `${head.slice(0, 157)}...`;
  }
  const l = s.replace(/\s+/g, ' ').trim();
  return l.length > 160 ? `${l.slice(0, 157)}...` : l;
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
