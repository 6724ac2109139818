/**
 * Vulnerability DB bench: imports every feed in ../shared/data (time and DB size), then matches an
 * inventory of 2,000 packages drawn from the feeds (so every lookup hits advisory rows: the worst case).
 * Target: the match takes < 100 ms once the DB is open. Printed per inventory: the first match after open (CPU and
 * wall; what a scan pays), split into looking up and evaluating rows vs building findings, and the median of 7
 * matches on the same open store (warm caches). Then the honest first call: the stress inventory matched once in
 * each of N fresh processes (default 5), opening the DB and matching with nothing warmed up (no JIT, no caches),
 * with the garbage collections V8 reports during the call; the same with the optimising compiler off and with no
 * collection during the call (diagnoses, not settings); and a CPU profile of the call (up to 3 runs) cut into parts
 * by the function each sample is in (reading and decoding rows, comparing versions, evaluating rows, grouping and
 * rating, building findings, garbage collection). Beside it, a lower bound of that first call from four parts it cannot skip, each measured where it is cheapest:
 * the match's reads alone and building its findings alone from their plain values, the JSON checked equal to the
 * match's (each in N fresh processes), and evaluating the rows and grouping and rating the matched rows in the later
 * matches of one process (rows read and decoded, code optimised).
 *
 *   npx tsx bench/vulndb.ts [--shared ../shared/data] [--db FILE] [--dump DIR] [--fresh N]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { updateDb } from '../src/vulndb/update.js';
import { VulnStore } from '../src/vulndb/store.js';
import { matchInventoryDetailed, runFamilies, type GroupFacts, type PackageContext } from '../src/vulndb/match/index.js';
import type { RowMatch } from '../src/vulndb/match/types.js';
import { DISTRO_ECOSYSTEMS, distroKey } from '../src/vulndb/match/distro.js';
import { distroNamespace } from '../src/vulndb/match/namespace.js';
import { normaliseName } from '../src/vulndb/feeds/ecosystems.js';
import type { InventoryReport, Package, Ecosystem } from '../src/inventory/types.js';
import type { Finding } from '../src/core/finding.js';

/**
 * The vulnerability findings of a match as the parts they are made of, each part once, as the matcher holds them:
 * per package what its findings share (location, package reference, evidence), per advisory group what its findings
 * share (ids, references, status, severity, summary), and per finding the pair (package, group).
 */
interface FloorPlan {
  image: string;
  packages: Array<{
    name: string;
    version: string;
    ecosystem: string;
    purl?: string;
    path?: string;
    layerDigest?: string;
    layerIndex?: number;
    sourceName?: string;
    sourceVersion?: string;
    evidence: Record<string, unknown>;
    origin?: 'base' | 'app';
  }>;
  groups: Array<{
    id: string;
    aliases: string[];
    /** the message after "ID (ALIASES)": ": SUMMARY" or "" */
    summaryPart: string;
    /** the references after the id and aliases */
    urls: string[];
    noFix?: string;
    v: Omit<NonNullable<Finding['vulnerability']>, 'id' | 'aliases' | 'package' | 'origin' | 'explanation'>;
    severity: Finding['severity'];
  }>;
  findings: Array<[number, number]>;
}

/** The floor plan of a match's vulnerability findings (packages by their shared location, groups by their shared references). */
function floorPlan(findings: Finding[]): FloorPlan {
  const plan: FloorPlan = { image: '', packages: [], groups: [], findings: [] };
  const byPkg = new Map<object, number>();
  const byGroup = new Map<object, number>();
  for (const f of findings) {
    const v = f.vulnerability;
    if (!v || f.location.kind !== 'image') continue;
    plan.image = f.location.image;
    let p = byPkg.get(f.location);
    if (p === undefined) {
      byPkg.set(f.location, (p = plan.packages.length));
      const { name, version, ecosystem, purl, layerDigest, sourceName, sourceVersion } = v.package;
      const { priority: _, ...evidence } = f.evidence ?? {};
      plan.packages.push({ name, version, ecosystem, purl, path: f.location.path, layerDigest, layerIndex: f.location.layerIndex, sourceName, sourceVersion, evidence, origin: v.origin });
    }
    let g = byGroup.get(f.references);
    if (g === undefined) {
      byGroup.set(f.references, (g = plan.groups.length));
      const head = `${v.id}${v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}`;
      const tail = f.message.slice(f.message.indexOf(' is affected by ') + ' is affected by '.length);
      const { status, statusDetail, fixedVersion, severitySource, rating, ratings, cvss, kev, feed } = v;
      plan.groups.push({
        id: v.id,
        aliases: v.aliases,
        summaryPart: tail.slice(head.length),
        urls: f.references.slice(1 + v.aliases.length),
        noFix: status === 'fixed' ? undefined : f.remediation.text,
        v: { status, statusDetail, fixedVersion, severitySource, rating, ratings, cvss, kev, feed },
        severity: f.severity,
      });
    }
    plan.findings.push([p, g]);
  }
  return plan;
}

/** The reads a match makes: (ecosystem, namespace, stored names) per query, the advisory ids, the ids they link to. */
interface ReadPlan {
  packages: Array<[string, string, string[]]>;
  ids: string[];
  linked: string[];
}

/** What matching `inv` reads from `st` (as matchDistro, matchLanguage and matchInventoryDetailed ask for it). */
function readPlan(inv: InventoryReport, st: VulnStore): ReadPlan {
  const byQuery = new Map<string, [string, string, string[]]>();
  const ns = distroNamespace(inv.os).namespace ?? '';
  for (const p of inv.packages) {
    const distro = DISTRO_ECOSYSTEMS.has(p.ecosystem);
    if (!distro && p.ownedBy) continue;
    const q = `${p.ecosystem}\u0000${distro ? ns : ''}`;
    let e = byQuery.get(q);
    if (!e) byQuery.set(q, (e = [p.ecosystem, distro ? ns : '', []]));
    e[2].push(distro ? distroKey(p).key : normaliseName(p.ecosystem, p.name));
  }
  const ids = new Set<string>();
  for (const fam of runFamilies(inv, st, false, false)) for (const pm of fam.matches) for (const m of pm.matches) if (m.row.more !== false) ids.add(m.row.vulnId);
  st.preloadAdvisories(ids);
  const linked: string[] = [];
  for (const id of ids) linked.push(...(st.advisory(id)?.links ?? []));
  return { packages: [...byQuery.values()], ids: [...ids], linked };
}

// child mode (--fresh): open the DB, match the inventory once, print the figures as JSON (with the garbage
// collections that ran during the call, from V8's own gc performance entries), exit
const argChild = process.argv.indexOf('--child');
if (argChild > 0) {
  const inventory = JSON.parse(readFileSync(process.argv[argChild + 2]!, 'utf8')) as InventoryReport;
  const gcs: Array<{ start: number; ms: number }> = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration });
  });
  obs.observe({ entryTypes: ['gc'] });
  const t = performance.now();
  const c = process.cpuUsage();
  const st = VulnStore.open(process.argv[argChild + 1]!);
  const m = matchInventoryDetailed(inventory, st, {});
  const d = process.cpuUsage(c);
  const end = performance.now();
  const wall = end - t;
  st.close();
  // (the observer is told of a collection on a later turn of the event loop)
  await new Promise((r) => setTimeout(r, 20));
  obs.disconnect();
  const during = gcs.filter((g) => g.start >= t && g.start < end);
  const gcMs = during.reduce((n, g) => n + g.ms, 0);
  console.log(JSON.stringify({ wall, cpu: (d.user + d.system) / 1000, rowsMs: m.stats.rowsMs, groupsMs: m.stats.groupsMs, findings: m.findings.length, gcMs, gcs: during.length }));
  process.exit(0);
}
// child mode (--floor PLAN EXPECTED): what building the stress inventory's findings alone costs in a fresh process,
// with no database and no matching: the matcher's own `packageContext` per package, the parts `groupFacts` shares
// among an advisory group's findings (the references and aliases, the title and message heads), and its own
// `buildFinding` per finding (the finding and its vulnerability object, the title and message joined from their parts,
// the remediation, the sha256 fingerprint), from the plan's plain values (read before the clock starts; what the
// matcher reads, evaluates and rates to get them is not counted). Prints the ms as JSON, and whether the JSON of the
// findings built is the JSON of the match's vulnerability findings (EXPECTED), then exits.
const argFloor = process.argv.indexOf('--floor');
if (argFloor > 0) {
  const { packageContext, buildFinding } = await import('../src/vulndb/match/index.js');
  const plan = JSON.parse(readFileSync(process.argv[argFloor + 1]!, 'utf8')) as FloorPlan;
  const NONE = Object.freeze([]) as unknown as string[];
  const image = plan.image;
  // what packageContext reads of a package and of its first row match, and the layers' origins
  const pkgs = plan.packages.map((p) => ({
    pkg: { name: p.name, version: p.version, ecosystem: p.ecosystem as Ecosystem, purl: p.purl, path: p.path, layerDigest: p.layerDigest, layerIndex: p.layerIndex, sourceName: p.sourceName, sourceVersion: p.sourceVersion } as Package,
    match: { key: p.evidence.matchedName, version: p.evidence.comparedVersion, namespace: p.evidence.namespace ?? '' } as unknown as RowMatch,
  }));
  const origins = new Map<number, 'base' | 'app'>();
  for (const p of plan.packages) if (p.origin && p.layerIndex !== undefined) origins.set(p.layerIndex, p.origin);
  const opts = {};
  const t = performance.now();
  const ctxs = new Array<PackageContext>(pkgs.length);
  for (let i = 0; i < pkgs.length; i++) ctxs[i] = packageContext(pkgs[i]!.pkg, pkgs[i]!.match, image, origins);
  const groups = new Array<GroupFacts>(plan.groups.length);
  for (let i = 0; i < plan.groups.length; i++) {
    const g = plan.groups[i]!;
    const aliases = g.aliases.length ? (Object.freeze(g.aliases.slice()) as string[]) : NONE;
    const references = [g.id];
    for (let j = 0; j < aliases.length; j++) references.push(aliases[j]!);
    for (let j = 0; j < g.urls.length; j++) references.push(g.urls[j]!);
    const { status, statusDetail, fixedVersion, severitySource, rating, ratings, cvss, kev, feed } = g.v;
    groups[i] = {
      id: g.id,
      aliases,
      matches: undefined,
      status,
      fixed: fixedVersion,
      main: { row: { statusDetail } } as RowMatch,
      severity: g.severity,
      sev: { severity: g.severity, source: severitySource!, rating, ratings: ratings!, cvss },
      kev,
      feed,
      references: Object.freeze(references) as string[],
      titleHead: kev ? `[KEV] ${g.id}` : g.id,
      messageTail: `${g.id}${aliases.length ? ` (${aliases.join(', ')})` : ''}${g.summaryPart}`,
      remediationNoFix: g.noFix,
    };
  }
  const out: Finding[] = [];
  for (let i = 0; i < plan.findings.length; i++) {
    const [p, g] = plan.findings[i]!;
    out.push(buildFinding(ctxs[p]!, groups[g]!, opts));
  }
  const wall = performance.now() - t;
  const expected = process.argv[argFloor + 2];
  console.log(JSON.stringify({ wall, n: out.length, same: expected ? JSON.stringify(out) === readFileSync(expected, 'utf8') : undefined }));
  process.exit(0);
}
// child mode (--reads PLAN): what reading the match's data alone costs in a fresh process: the database opened and
// the same reads the matcher makes, through the same store methods (the rows of every package the inventory names,
// then the advisory records its matched rows name and those they link to), with nothing evaluated. Prints the ms.
const argReads = process.argv.indexOf('--reads');
if (argReads > 0) {
  const plan = JSON.parse(readFileSync(process.argv[argReads + 2]!, 'utf8')) as ReadPlan;
  const t = performance.now();
  const st = VulnStore.open(process.argv[argReads + 1]!);
  for (const [eco, ns, names] of plan.packages) st.preloadAffected(eco, ns, names);
  st.preloadAdvisories(plan.ids);
  st.preloadAdvisories(plan.linked);
  const wall = performance.now() - t;
  st.close();
  console.log(JSON.stringify({ wall }));
  process.exit(0);
}
/** V8 flags that give the young generation room for every allocation of the stress match: no collection runs in it */
const NO_GC_FLAGS = ['--min-semi-space-size=128', '--max-semi-space-size=128'];

/** The parts a first call's CPU profile is cut into, by the function a sample's self time is in. */
const PROFILE_PARTS = [
  'garbage collection',
  'reading and decoding rows',
  'comparing versions',
  'evaluating rows',
  'grouping, rating and the match loops',
  'building findings (sha256 fingerprints included)',
  'other',
] as const;

function profilePart(fn: string, url: string): (typeof PROFILE_PARTS)[number] {
  if (fn === '(garbage collector)') return 'garbage collection';
  if (url.includes('/vulndb/store') || url.includes('better-sqlite3')) return 'reading and decoding rows';
  if (url.includes('/vulndb/version/')) return 'comparing versions';
  if (fn === 'buildFinding' || fn === 'packageContext' || fn.startsWith('fingerprint') || url.includes('crypto/hash') || url.endsWith('/core/finding.ts')) return 'building findings (sha256 fingerprints included)';
  if (/\/vulndb\/match\/(?:evaluate|distro|lang|keys|namespace)\./.test(url)) return 'evaluating rows';
  if (url.includes('/vulndb/')) return 'grouping, rating and the match loops';
  return 'other';
}

/**
 * Self time per part in each CPU profile of DIR, over the samples from the first to the last one taken with
 * FN on the stack (so collections and the compiler's main-thread work during the call count, start-up does not).
 */
function profileShares(dir: string, fn: string): Array<{ total: number; parts: Record<string, number> }> {
  const out: Array<{ total: number; parts: Record<string, number> }> = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
      nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
      samples: number[];
      timeDeltas: number[];
    };
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const under = new Map<number, boolean>();
    const isUnder = (id: number): boolean => {
      let u = under.get(id);
      if (u === undefined) {
        const pid = parent.get(id);
        u = byId.get(id)!.callFrame.functionName === fn || (pid !== undefined && isUnder(pid));
        under.set(id, u);
      }
      return u;
    };
    let first = -1;
    let last = -1;
    for (let i = 0; i < p.samples.length; i++) {
      if (!isUnder(p.samples[i]!)) continue;
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0) continue;
    const parts: Record<string, number> = {};
    let total = 0;
    for (let i = first; i <= last; i++) {
      const cf = byId.get(p.samples[i]!)!.callFrame;
      // a sample's time is the delta to the next sample
      const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
      const k = profilePart(cf.functionName, cf.url);
      parts[k] = (parts[k] ?? 0) + ms;
      total += ms;
    }
    out.push({ total, parts });
  }
  return out;
}

const argShared = process.argv.indexOf('--shared');
const shared = resolve(argShared > 0 ? process.argv[argShared + 1]! : new URL('../../shared/data', import.meta.url).pathname);
if (!existsSync(shared)) {
  console.error(`no shared data at ${shared}`);
  process.exit(1);
}
const sources = [
  'osv/go',
  'osv/pypi',
  'osv/ghsa',
  'alpine-secdb',
  'debian-tracker/bookworm-trixie.json',
  'kev/known_exploited_vulnerabilities.json',
  'nodejs-security-wg/npm',
].map((s) => join(shared, s));

// --dump DIR: write each inventory's findings (sorted by fingerprint) and warnings as JSON, to compare runs, and the
// stress inventory
const argDump = process.argv.indexOf('--dump');
const dumpDir = argDump > 0 ? resolve(process.argv[argDump + 1]!) : undefined;
const cache = mkdtempSync(join(tmpdir(), 'bw-bench-vulndb-'));
try {
  const argDb = process.argv.indexOf('--db');
  let dbFile: string;
  if (argDb > 0) {
    dbFile = process.argv[argDb + 1]!;
  } else {
    const t0 = performance.now();
    const res = await updateDb({ cacheDir: cache, sources });
    const importMs = performance.now() - t0;
    console.log('import (every feed in ../shared/data):');
    for (const s of res.sources) {
      console.log(`  ${s.ok ? 'ok ' : 'ERR'} ${s.name.replace(shared + '/', '').padEnd(44)} ${String(s.ms).padStart(6)} ms  vulns=${s.stats.vulns ?? 0} affected=${s.stats.affected ?? 0} kev=${s.stats.kev ?? 0}`);
    }
    console.log(`  total ${importMs.toFixed(0)} ms, DB size ${(statSync(res.path).size / 1048576).toFixed(1)} MB`);
    dbFile = res.path;
  }

  const tOpen = performance.now();
  const store = VulnStore.open(dbFile);
  const openMs = performance.now() - tOpen;
  // A realistic 2,000-package inventory: Debian bookworm packages at the plain-suite version (from the tracker's
  // `repositories.bookworm`, i.e. an image built without the security suite), and language packages named in the
  // feeds at the fixed version of one of their advisories (some later advisories still apply), plus packages no
  // feed knows (most of a real image).
  const tracker = JSON.parse(readFileSync(join(shared, 'debian-tracker/bookworm-trixie.json'), 'utf8')) as Record<string, Record<string, { releases: Record<string, { repositories?: Record<string, string> }> }>>;
  const mk = (eco: Ecosystem, name: string, version: string, i: number, src?: string): Package => ({
    name, version, ecosystem: eco, purl: `pkg:${eco}/${name}@${version}`, path: `bench/${i}`, layerIndex: 0,
    ...(src ? { sourceName: src, sourceVersion: version } : {}),
  });
  const pkgs: Package[] = [];
  let i = 0;
  for (const [src, cves] of Object.entries(tracker)) {
    const v = Object.values(cves).map((c) => c.releases.bookworm?.repositories?.bookworm).find(Boolean);
    if (!v) continue;
    for (const bin of [src, `lib${src}`, `${src}-common`]) pkgs.push(mk('deb', bin, v, i++, src));
  }
  const lang = (eco: Ecosystem, n: number) => {
    const rows = store.db
      .prepare("SELECT package, MIN(ranges) AS r FROM affected WHERE ecosystem = ? AND namespace = '' GROUP BY package ORDER BY package LIMIT ?")
      .all(eco, n) as Array<{ package: string; r: string | null }>;
    for (const row of rows) {
      // packages whose rows list versions only (no ranges) take 0.0.1
      const ev = ((row.r ? JSON.parse(row.r) : []) as Array<{ events: Array<{ fixed?: string }> }>).flatMap((x) => x.events).find((e) => e.fixed)?.fixed ?? '0.0.1';
      pkgs.push(mk(eco, row.package, eco === 'golang' ? `v${ev}` : ev, i++));
    }
  };
  lang('npm', 300);
  lang('pypi', 300);
  lang('golang', 300);
  const debCount = pkgs.filter((p) => p.ecosystem === 'deb').length;
  while (pkgs.length < 2000) pkgs.push(mk(i % 2 ? 'deb' : 'npm', `not-in-any-feed-${i}`, '1.0.0-1', i++));
  pkgs.length = 2000;
  const inv: InventoryReport = { os: { id: 'debian', versionId: '12', codename: 'bookworm', evidence: 'bench' }, packages: pkgs, warnings: [] };
  if (dumpDir) writeFileSync(join(dumpDir, 'stress-inventory.json'), JSON.stringify(inv));
  const timeMatch = (label: string, inventory: InventoryReport) => {
    const st = VulnStore.open(dbFile); // a freshly opened DB: no row caches
    const runs: number[] = [];
    const cpu: number[] = [];
    let findings = 0;
    let warnings: string[] = [];
    let firstRowsMs = 0;
    const laterRowsMs: number[] = [];
    const laterGroupsMs: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t = performance.now();
      const c = process.cpuUsage();
      const m = matchInventoryDetailed(inventory, st, {});
      runs.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
      findings = m.findings.length;
      warnings = m.warnings;
      if (r === 0) firstRowsMs = m.stats.rowsMs;
      else {
        laterRowsMs.push(m.stats.rowsMs);
        laterGroupsMs.push(m.stats.groupsMs);
      }
      if (r === 0 && dumpDir) {
        const sortedFindings = [...m.findings].sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : x.fingerprint > y.fingerprint ? 1 : 0));
        writeFileSync(join(dumpDir, `findings-${label.includes('stress') ? 'stress' : 'real'}.json`), JSON.stringify({ findings: sortedFindings, warnings: m.warnings }, null, 1));
      }
    }
    st.close();
    const sorted = [...runs].sort((x, y) => x - y);
    const count = (e: string) => inventory.packages.filter((p) => p.ecosystem === e).length;
    const mix = ['deb', 'apk', 'npm', 'pypi', 'golang', 'maven'].filter((e) => count(e)).map((e) => `${count(e)} ${e}`).join(', ');
    console.log(`match ${label}: ${inventory.packages.length} packages (${mix})`);
    const cpuSorted = [...cpu].sort((x, y) => x - y);
    console.log(`  first match after open ${runs[0]!.toFixed(1)} ms wall / ${cpu[0]!.toFixed(1)} ms CPU; median of 7 ${sorted[3]!.toFixed(1)} ms wall / ${cpuSorted[3]!.toFixed(1)} ms CPU; ${findings} findings (target < 100 ms)`);
    console.log(`  first match: ${firstRowsMs.toFixed(1)} ms wall looking up and evaluating advisory rows, ${(runs[0]! - firstRowsMs).toFixed(1)} ms building ${findings} findings`);
    if (warnings.length) console.log(`  warnings: ${warnings.slice(0, 2).join(' | ')}`);
    // the later matches find the rows read and decoded (the store's caches) and the code optimised: what evaluating
    // them costs at best
    // (the least of the later matches: a lower bound takes each part at its cheapest)
    const rowsSorted = [...laterRowsMs].sort((x, y) => x - y);
    const groupsSorted = [...laterGroupsMs].sort((x, y) => x - y);
    const [warmRowsMs, warmGroupsMs] = [rowsSorted[0]!, groupsSorted[0]!];
    console.log(
      `  later matches: evaluating advisory rows already read and decoded ${rowsSorted[rowsSorted.length >> 1]!.toFixed(1)} ms median, ${warmRowsMs.toFixed(1)} ms least; ` +
        `grouping and rating the matched rows ${groupsSorted[groupsSorted.length >> 1]!.toFixed(1)} ms median, ${warmGroupsMs.toFixed(1)} ms least`,
    );
    return { warmRowsMs, warmGroupsMs };
  };
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  console.log(`DB open ${openMs.toFixed(1)} ms (load average ${load} on ${(await import('node:os')).cpus().length} CPUs)`);
  const real = new URL('../test/fixtures/vulndb/inventory/bookworm-app-full.json', import.meta.url).pathname;
  timeMatch('the real bookworm app image inventory', JSON.parse(readFileSync(real, 'utf8')) as InventoryReport);
  const { warmRowsMs: stressWarmRowsMs, warmGroupsMs: stressWarmGroupsMs } = timeMatch('stress (feed-named packages at old versions)', inv);
  store.close();
  // the honest first call: a fresh process per run, the DB opened and the inventory matched once (open included)
  const argFresh = process.argv.indexOf('--fresh');
  const fresh = argFresh > 0 ? Number(process.argv[argFresh + 1]) : 5;
  if (fresh > 0) {
    const invFile = join(cache, 'stress-inventory.json');
    writeFileSync(invFile, JSON.stringify(inv));
    type Run = { wall: number; cpu: number; rowsMs: number; groupsMs: number; findings: number; gcMs: number; gcs: number };
    const child = (flags: string[]): Run => {
      const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', new URL(import.meta.url).pathname, '--child', dbFile, invFile], { encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').pop()!) as Run;
    };
    const runs: Run[] = [];
    const noOpt: Run[] = [];
    const noGc: Run[] = [];
    for (let r = 0; r < fresh; r++) {
      runs.push(child([]));
      noOpt.push(child(['--no-opt']));
      noGc.push(child(NO_GC_FLAGS));
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
    console.log(`stress, first call in a fresh process (open + match), ${fresh} runs (target < 100 ms):`);
    console.log(`  wall ms: ${runs.map((x) => x.wall.toFixed(1)).join(' ')}  (median ${med(runs.map((x) => x.wall)).toFixed(1)})`);
    console.log(`  CPU ms (all threads: GC, compiler): ${runs.map((x) => x.cpu.toFixed(1)).join(' ')}  (median ${med(runs.map((x) => x.cpu)).toFixed(1)})`);
    console.log(
      `  of which (medians) rows ${med(runs.map((x) => x.rowsMs)).toFixed(1)} ms, grouping and rating ${med(runs.map((x) => x.groupsMs)).toFixed(1)} ms; ` +
        `garbage collection ${med(runs.map((x) => x.gcMs)).toFixed(1)} ms in ${med(runs.map((x) => x.gcs))} pauses; ${runs[0]!.findings} findings`,
    );
    // what the optimising compiler costs a first call: the same runs with it off (a diagnosis, not a setting)
    console.log(`  the same with V8's optimising compiler off (--no-opt): median ${med(noOpt.map((x) => x.wall)).toFixed(1)} ms wall / ${med(noOpt.map((x) => x.cpu)).toFixed(1)} ms CPU`);
    // what garbage collection costs it: the same runs with a young generation big enough that none runs during the
    // call (a diagnosis: as a setting it would cost a scan its peak memory)
    console.log(
      `  the same with no garbage collection during the call (${NO_GC_FLAGS.join(' ')}): ${noGc.map((x) => x.wall.toFixed(1)).join(' ')} ms ` +
        `(median ${med(noGc.map((x) => x.wall)).toFixed(1)}; collections during the call: ${noGc.map((x) => x.gcs).join(' ')})`,
    );
    // where the time of the first call goes: CPU profiles of it (a profiled call is slower: shares, not times)
    const profDir = join(cache, 'profiles');
    const profRuns = Math.min(fresh, 3);
    for (let r = 0; r < profRuns; r++) child(['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '100']);
    const shares = profileShares(profDir, 'matchInventoryDetailed');
    const total = med(shares.map((x) => x.total));
    console.log(
      `  CPU profile of the first call (${shares.length} fresh runs, 100 µs sampling, samples from the call's first to its last, medians): ${total.toFixed(0)} ms profiled, ` +
        PROFILE_PARTS.map((k) => `${k} ${med(shares.map((x) => x.parts[k] ?? 0)).toFixed(0)} ms (${Math.round((100 * med(shares.map((x) => x.parts[k] ?? 0))) / total)}%)`).join(', '),
    );
    // the floor under the first call: building its findings alone, in a fresh process
    const floorStore = VulnStore.open(dbFile);
    const floorFile = join(cache, 'floor-plan.json');
    const expectedFile = join(cache, 'floor-expected.json');
    const real = matchInventoryDetailed(inv, floorStore, {}).findings;
    writeFileSync(floorFile, JSON.stringify(floorPlan(real)));
    writeFileSync(expectedFile, JSON.stringify(real.filter((f) => f.vulnerability && f.location.kind === 'image')));
    floorStore.close();
    const floorRuns = Array.from({ length: fresh }, () => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--floor', floorFile, expectedFile], { encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').pop()!) as { wall: number; n: number; same: boolean };
    });
    const floors = floorRuns.map((x) => x.wall);
    console.log(
      `  floor: building its ${floorRuns[0]!.n} vulnerability findings alone (what packageContext, the advisory groups and buildFinding make, from the plain values), ` +
        `no database, no matching, in a fresh process: ${floors.map((x) => x.toFixed(1)).join(' ')} ms (median ${med(floors).toFixed(1)}); ` +
        `their JSON ${floorRuns.every((x) => x.same) ? 'is' : 'is NOT'} the match's`,
    );
    // the floor of reading: the same reads as the match, nothing evaluated
    const planStore = VulnStore.open(dbFile);
    const plan = readPlan(inv, planStore);
    planStore.close();
    const planFile = join(cache, 'read-plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const reads = Array.from({ length: fresh }, () => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--reads', dbFile, planFile], { encoding: 'utf8' });
      return (JSON.parse(out.trim().split('\n').pop()!) as { wall: number }).wall;
    });
    const pkgCount = plan.packages.reduce((n, q) => n + new Set(q[2]).size, 0);
    console.log(`  floor: opening the database and making the match's reads alone (the rows of ${pkgCount} named packages, the records of ${plan.ids.length} advisories and of the ${new Set(plan.linked).size} ids they link to), nothing evaluated, in a fresh process: ${reads.map((x) => x.toFixed(1)).join(' ')} ms (median ${med(reads).toFixed(1)})`);
    // a lower bound of the first call: four parts it cannot skip, each measured where it is cheapest
    const bound = med(reads) + med(floors) + stressWarmRowsMs + stressWarmGroupsMs;
    console.log(
      `  lower bound of the first call: reading ${med(reads).toFixed(1)} + building the findings ${med(floors).toFixed(1)} + evaluating the rows at their warm best ` +
        `${stressWarmRowsMs.toFixed(1)} + grouping and rating the matched rows at their warm best ${stressWarmGroupsMs.toFixed(1)} = ${bound.toFixed(1)} ms ` +
        `(fresh-process parts: their medians; warm parts: the least of the later matches) (the median first call: ${med(runs.map((x) => x.wall)).toFixed(1)} ms)`,
    );
  }
} finally {
  rmSync(cache, { recursive: true, force: true });
}
