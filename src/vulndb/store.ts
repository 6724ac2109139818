/**
 * The vulnerability database: one SQLite file (better-sqlite3). Readers open it read-only;
 * `update.ts` builds a new file aside with `DbWriter` and renames it into place.
 *
 * Tables
 * - meta(key, value): schema version, build time
 * - sources: one row per imported source (feed, location, validators, counts, error)
 * - vulns: one row per advisory and source (id, aliases, summary, CVSS, label)
 * - affected: one row per advisory x package x namespace, with OSV-style ranges (JSON) that the
 *   matcher evaluates; distro feeds are written in the same shape ({introduced:0},{fixed:X})
 * - scores: CVSS by id (advisory ids and their aliases), for enrichment across feeds
 * - kev: CISA Known Exploited Vulnerabilities
 * - namespaces: the distro releases each source covers ("debian:bookworm", "alpine:v3.20")
 */
import Database from 'better-sqlite3';
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';

export const SCHEMA_VERSION = 1;
export const APPLICATION_ID = 0x42574442; // "BWDB"

const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
  name TEXT PRIMARY KEY, feed TEXT NOT NULL, location TEXT NOT NULL, imported_at TEXT NOT NULL,
  data_date TEXT, etag TEXT, last_modified TEXT, records INTEGER NOT NULL DEFAULT 0,
  stats TEXT NOT NULL DEFAULT '{}', error TEXT, carried_over INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE vulns (
  id TEXT NOT NULL, source TEXT NOT NULL, feed TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]',
  summary TEXT, published TEXT, modified TEXT,
  cvss_score REAL, cvss_vector TEXT, cvss_version TEXT, severity_label TEXT, url TEXT,
  PRIMARY KEY (id, source)
);
CREATE TABLE affected (
  vuln_id TEXT NOT NULL, source TEXT NOT NULL, feed TEXT NOT NULL,
  ecosystem TEXT NOT NULL, namespace TEXT NOT NULL, package TEXT NOT NULL,
  ranges TEXT NOT NULL DEFAULT '[]', versions TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL, status_detail TEXT, severity TEXT
);
CREATE INDEX affected_pkg ON affected (ecosystem, namespace, package);
CREATE INDEX affected_vuln ON affected (vuln_id);
CREATE TABLE aliases (alias TEXT NOT NULL, vuln_id TEXT NOT NULL, PRIMARY KEY (alias, vuln_id)) WITHOUT ROWID;
CREATE TABLE scores (
  id TEXT NOT NULL, source TEXT NOT NULL, score REAL NOT NULL, vector TEXT NOT NULL, version TEXT NOT NULL,
  PRIMARY KEY (id, source, version)
) WITHOUT ROWID;
CREATE TABLE kev (
  cve TEXT PRIMARY KEY, source TEXT NOT NULL, date_added TEXT NOT NULL, due_date TEXT, ransomware TEXT, name TEXT
);
CREATE TABLE namespaces (namespace TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (namespace, source)) WITHOUT ROWID;
`;

export const TABLES_BY_SOURCE = ['vulns', 'affected', 'scores', 'kev', 'namespaces'] as const;

export type AffectedStatus = 'affected' | 'not_affected' | 'will_not_fix' | 'fix_deferred' | 'end_of_life';

export interface RangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
export interface Range {
  type: 'ECOSYSTEM' | 'SEMVER';
  events: RangeEvent[];
}

export interface VulnRow {
  id: string;
  source: string;
  feed: string;
  aliases: string[];
  summary?: string;
  published?: string;
  modified?: string;
  cvss?: { score: number; vector: string; version: string };
  severityLabel?: string;
  url?: string;
}

export interface AffectedRow {
  vulnId: string;
  source: string;
  feed: string;
  ecosystem: string;
  namespace: string;
  package: string;
  ranges: Range[];
  versions: string[];
  status: AffectedStatus;
  statusDetail?: string;
  /** the feed's own rating of this vulnerability for this package (distro urgency) */
  severity?: string;
}

export interface KevRow {
  cve: string;
  dateAdded: string;
  dueDate?: string;
  ransomware?: string;
  name?: string;
}

export interface SourceRow {
  name: string;
  feed: string;
  location: string;
  importedAt: string;
  dataDate?: string;
  etag?: string;
  lastModified?: string;
  records: number;
  stats: Record<string, number>;
  error?: string;
  carriedOver: boolean;
}

/** The receiving end of an importer: one per source being imported. */
export interface FeedSink {
  vuln(v: Omit<VulnRow, 'source'>): void;
  affected(a: Omit<AffectedRow, 'source'>): void;
  score(id: string, s: { score: number; vector: string; version: string }): void;
  kev(k: KevRow): void;
  namespace(ns: string): void;
  /** counters shown by `db status` (skipped GIT ranges, withdrawn records, ...) */
  count(key: string, n?: number): void;
}

/** Writes a brand-new database file. Call `finish()` to seal it (ANALYZE, meta, integrity check). */
export class DbWriter {
  readonly db: Database.Database;
  private insVuln;
  private insAff;
  private insAlias;
  private insScore;
  private insKev;
  private insNs;

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma(`application_id = ${APPLICATION_ID}`);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.db.exec(DDL);
    this.insVuln = this.db.prepare(
      `INSERT INTO vulns (id, source, feed, aliases, summary, published, modified, cvss_score, cvss_vector, cvss_version, severity_label, url)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT (id, source) DO UPDATE SET aliases = excluded.aliases, summary = COALESCE(vulns.summary, excluded.summary),
         cvss_score = COALESCE(vulns.cvss_score, excluded.cvss_score), cvss_vector = COALESCE(vulns.cvss_vector, excluded.cvss_vector),
         cvss_version = COALESCE(vulns.cvss_version, excluded.cvss_version), severity_label = COALESCE(vulns.severity_label, excluded.severity_label)`,
    );
    this.insAff = this.db.prepare(
      `INSERT INTO affected (vuln_id, source, feed, ecosystem, namespace, package, ranges, versions, status, status_detail, severity)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    );
    this.insAlias = this.db.prepare('INSERT OR IGNORE INTO aliases (alias, vuln_id) VALUES (?,?)');
    this.insScore = this.db.prepare('INSERT OR REPLACE INTO scores (id, source, score, vector, version) VALUES (?,?,?,?,?)');
    this.insKev = this.db.prepare('INSERT OR REPLACE INTO kev (cve, source, date_added, due_date, ransomware, name) VALUES (?,?,?,?,?,?)');
    this.insNs = this.db.prepare('INSERT OR IGNORE INTO namespaces (namespace, source) VALUES (?,?)');
  }

  /** A sink for one source; everything it receives is tagged with the source name. */
  sink(source: string, stats: Record<string, number>): FeedSink {
    return {
      vuln: (v) => {
        const aliases = [...new Set(v.aliases.filter((a) => a && a !== v.id))];
        this.insVuln.run(
          v.id, source, v.feed, JSON.stringify(aliases), v.summary ?? null, v.published ?? null, v.modified ?? null,
          v.cvss?.score ?? null, v.cvss?.vector ?? null, v.cvss?.version ?? null, v.severityLabel ?? null, v.url ?? null,
        );
        for (const a of aliases) {
          this.insAlias.run(a, v.id);
          this.insAlias.run(v.id, a);
        }
        if (v.cvss) for (const id of [v.id, ...aliases]) this.insScore.run(id, source, v.cvss.score, v.cvss.vector, v.cvss.version);
        stats.vulns = (stats.vulns ?? 0) + 1;
      },
      affected: (a) => {
        this.insAff.run(
          a.vulnId, source, a.feed, a.ecosystem, a.namespace, a.package, JSON.stringify(a.ranges), JSON.stringify(a.versions),
          a.status, a.statusDetail ?? null, a.severity ?? null,
        );
        stats.affected = (stats.affected ?? 0) + 1;
      },
      score: (id, s) => {
        this.insScore.run(id, source, s.score, s.vector, s.version);
        stats.scores = (stats.scores ?? 0) + 1;
      },
      kev: (k) => {
        this.insKev.run(k.cve, source, k.dateAdded, k.dueDate ?? null, k.ransomware ?? null, k.name ?? null);
        stats.kev = (stats.kev ?? 0) + 1;
      },
      namespace: (ns) => {
        this.insNs.run(ns, source);
      },
      count: (key, n = 1) => {
        stats[key] = (stats[key] ?? 0) + n;
      },
    };
  }

  recordSource(s: SourceRow): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO sources (name, feed, location, imported_at, data_date, etag, last_modified, records, stats, error, carried_over)
         VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(s.name, s.feed, s.location, s.importedAt, s.dataDate ?? null, s.etag ?? null, s.lastModified ?? null, s.records,
        JSON.stringify(s.stats), s.error ?? null, s.carriedOver ? 1 : 0);
  }

  /** Copy every row of `source` from a previous database (a source that failed or was not modified). */
  carryOver(oldPath: string, source: string): boolean {
    if (!existsSync(oldPath)) return false;
    try {
      checkDbFile(oldPath);
    } catch {
      return false;
    }
    this.db.prepare('ATTACH DATABASE ? AS old').run(oldPath);
    try {
      const had = this.db.prepare('SELECT * FROM old.sources WHERE name = ?').get(source) as Record<string, unknown> | undefined;
      if (!had) return false;
      for (const t of TABLES_BY_SOURCE) this.db.prepare(`INSERT OR IGNORE INTO main.${t} SELECT * FROM old.${t} WHERE source = ?`).run(source);
      this.db.exec(`INSERT OR IGNORE INTO main.aliases SELECT a.* FROM old.aliases a`);
      this.db.prepare('INSERT OR REPLACE INTO main.sources SELECT * FROM old.sources WHERE name = ?').run(source);
      return true;
    } finally {
      this.db.exec('DETACH DATABASE old');
    }
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  finish(): void {
    const set = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    set.run('schema_version', String(SCHEMA_VERSION));
    set.run('built_at', new Date().toISOString());
    set.run('tool', 'bulwark');
    this.db.exec('ANALYZE');
    const ok = this.db.pragma('quick_check', { simple: true });
    if (ok !== 'ok') throw new Error(`new database failed its integrity check: ${String(ok)}`);
    this.db.close();
  }

  abort(): void {
    if (this.db.open) this.db.close();
  }
}

/** Throws a UserError when `path` is not a Bulwark vulnerability database of this schema version. */
export function checkDbFile(path: string): void {
  if (!existsSync(path)) {
    throw new UserError(`no vulnerability database at ${path}: run 'bulwark db update' (or 'bulwark db update --source PATH' offline)`);
  }
  const st = statSync(path);
  if (!st.isFile()) throw new UserError(`vulnerability database ${path} is not a file`);
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(100);
  try {
    readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (head.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') {
    throw new UserError(`${path} is not a vulnerability database (not an SQLite file): remove it and run 'bulwark db update'`);
  }
  const pageSize = head.readUInt16BE(16) === 1 ? 65536 : head.readUInt16BE(16);
  const pages = head.readUInt32BE(28);
  if (pages > 0 && st.size < pageSize * pages) {
    throw new UserError(`vulnerability database ${path} is truncated (${st.size} of ${pageSize * pages} bytes): run 'bulwark db update'`);
  }
  const userVersion = head.readUInt32BE(60);
  const appId = head.readUInt32BE(68);
  if (appId !== APPLICATION_ID) {
    throw new UserError(`${path} is an SQLite file but not a Bulwark vulnerability database: remove it and run 'bulwark db update'`);
  }
  if (userVersion !== SCHEMA_VERSION) {
    throw new UserError(
      `vulnerability database ${path} has schema version ${userVersion}, this Bulwark reads version ${SCHEMA_VERSION}: run 'bulwark db update'`,
    );
  }
}

export interface VulnStoreInfo {
  path: string;
  builtAt: string;
  ageMs: number;
  sources: SourceRow[];
  counts: { vulns: number; affected: number; kev: number; scores: number; namespaces: string[] };
}

/** Read side: opened read-only; prepared statements for the matcher. */
export class VulnStore {
  readonly db: Database.Database;
  private qPkg;
  private qPkgMany;
  private qVulnsById;
  private qAliases;
  private qScores;
  private qKev;
  private qNs;
  private qByVuln;
  private qPrefVulns;
  private qPrefAliases;
  private qPrefScores;
  private vulnCache = new Map<string, VulnRow[]>();
  private aliasCache = new Map<string, string[]>();
  private scoreCache = new Map<string, Array<{ source: string; score: number; vector: string; version: string }>>();
  private kevMap?: Map<string, KevRow>;
  private pkgCache = new Map<string, AffectedRow[]>();
  private nsCache?: Set<string>;
  private namesCache = new Map<string, Set<string>>();
  private qNames;

  private constructor(readonly path: string) {
    checkDbFile(path);
    try {
      this.db = new Database(path, { readonly: true, fileMustExist: true });
      const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (!meta || Number(meta.value) !== SCHEMA_VERSION) throw new Error('schema version row missing');
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`vulnerability database ${path} is damaged (${(e as Error).message}): run 'bulwark db update'`);
    }
    this.qPkg = this.db.prepare('SELECT * FROM affected WHERE ecosystem = ? AND namespace = ? AND package = ?');
    this.qPkgMany = this.db
      .prepare(
        `SELECT ${RAW_COLUMNS} FROM affected WHERE ecosystem = ? AND namespace = ? AND package IN (SELECT value FROM json_each(?)) ORDER BY package, rowid`,
      )
      .raw(true);
    this.qByVuln = this.db.prepare('SELECT * FROM affected WHERE vuln_id = ?');
    this.qVulnsById = this.db.prepare('SELECT * FROM vulns WHERE id = ?');
    this.qAliases = this.db.prepare('SELECT vuln_id FROM aliases WHERE alias = ?');
    this.qScores = this.db.prepare('SELECT * FROM scores WHERE id = ?');
    this.qKev = this.db.prepare('SELECT * FROM kev');
    this.qNs = this.db.prepare('SELECT DISTINCT namespace FROM namespaces');
    this.qNames = this.db.prepare('SELECT DISTINCT package FROM affected WHERE ecosystem = ? AND namespace = ?');
    this.qPrefVulns = this.db
      .prepare(`SELECT ${VULN_COLUMNS.join(', ')} FROM vulns WHERE id IN (SELECT value FROM json_each(?))`)
      .raw(true);
    this.qPrefAliases = this.db.prepare('SELECT alias, vuln_id FROM aliases WHERE alias IN (SELECT value FROM json_each(?))');
    this.qPrefScores = this.db.prepare('SELECT * FROM scores WHERE id IN (SELECT value FROM json_each(?))');
  }

  static open(path: string): VulnStore {
    return new VulnStore(path);
  }

  close(): void {
    this.db.close();
  }

  /** names that have advisory rows in (ecosystem, namespace): lets the matcher skip empty lookups */
  packagesIn(ecosystem: string, namespace: string): Set<string> {
    const key = `${ecosystem}\u0000${namespace}`;
    let s = this.namesCache.get(key);
    if (!s) {
      s = new Set((this.qNames.all(ecosystem, namespace) as Array<{ package: string }>).map((r) => r.package));
      this.namesCache.set(key, s);
    }
    return s;
  }

  affectedFor(ecosystem: string, namespace: string, pkg: string): AffectedRow[] {
    if (!this.packagesIn(ecosystem, namespace).has(pkg)) return [];
    const key = `${ecosystem}\u0000${namespace}\u0000${pkg}`;
    let rows = this.pkgCache.get(key);
    if (!rows) {
      rows = (this.qPkg.all(ecosystem, namespace, pkg) as RawAffected[]).map(toAffected);
      if (this.pkgCache.size > 20000) this.pkgCache.clear();
      this.pkgCache.set(key, rows);
    }
    return rows;
  }

  /**
   * Loads the advisory rows of many packages of one (ecosystem, namespace) in one query, so that the
   * matcher's `affectedFor` calls that follow hit the cache. Rows keep the order `affectedFor` gives.
   */
  preloadAffected(ecosystem: string, namespace: string, pkgs: Iterable<string>): void {
    const known = this.packagesIn(ecosystem, namespace);
    const want: string[] = [];
    const seen = new Set<string>();
    for (const p of pkgs) {
      if (seen.has(p) || !known.has(p)) continue;
      seen.add(p);
      if (!this.pkgCache.has(`${ecosystem}\u0000${namespace}\u0000${p}`)) want.push(p);
    }
    if (want.length < 2) return;
    if (this.pkgCache.size + want.length > 20000) this.pkgCache.clear();
    const lists = new Map<string, AffectedRow[]>();
    for (const p of want) lists.set(p, []);
    for (const r of this.qPkgMany.all(ecosystem, namespace, JSON.stringify(want)) as unknown[][]) {
      lists.get(r[3] as string)?.push(fromRaw(r, ecosystem, namespace));
    }
    for (const [p, rows] of lists) this.pkgCache.set(`${ecosystem}\u0000${namespace}\u0000${p}`, rows);
  }

  affectedByVuln(id: string): AffectedRow[] {
    return (this.qByVuln.all(id) as RawAffected[]).map(toAffected);
  }

  vulns(id: string): VulnRow[] {
    let v = this.vulnCache.get(id);
    if (!v) {
      v = (this.qVulnsById.all(id) as RawVuln[]).map(toVuln);
      this.vulnCache.set(id, v);
    }
    return v;
  }

  /** ids that list `id` as an alias (and that `id` lists) */
  aliasesOf(id: string): string[] {
    let a = this.aliasCache.get(id);
    if (!a) {
      a = (this.qAliases.all(id) as Array<{ vuln_id: string }>).map((r) => r.vuln_id);
      this.aliasCache.set(id, a);
    }
    return a;
  }

  /** Loads advisories, aliases and scores of many ids in three queries (the matcher calls this once per scan). */
  prefetch(ids: Iterable<string>): void {
    const missing = [...new Set(ids)].filter((i) => !this.vulnCache.has(i));
    if (!missing.length) return;
    const json = JSON.stringify(missing);
    for (const i of missing) {
      this.vulnCache.set(i, []);
      this.aliasCache.set(i, []);
      this.scoreCache.set(i, []);
    }
    for (const a of this.qPrefVulns.all(json) as unknown[][]) this.vulnCache.get(a[0] as string)!.push(toVuln(rawVuln(a)));
    for (const r of this.qPrefAliases.all(json) as Array<{ alias: string; vuln_id: string }>) this.aliasCache.get(r.alias)!.push(r.vuln_id);
    for (const r of this.qPrefScores.all(json) as Array<{ id: string; source: string; score: number; vector: string; version: string }>) this.scoreCache.get(r.id)!.push(r);
  }

  scores(id: string): Array<{ source: string; score: number; vector: string; version: string }> {
    let s = this.scoreCache.get(id);
    if (!s) {
      s = this.qScores.all(id) as Array<{ source: string; score: number; vector: string; version: string }>;
      this.scoreCache.set(id, s);
    }
    return s;
  }

  kev(cve: string): KevRow | undefined {
    if (!this.kevMap) {
      this.kevMap = new Map();
      for (const r of this.qKev.all() as Array<{ cve: string; date_added: string; due_date: string | null; ransomware: string | null; name: string | null }>) {
        this.kevMap.set(r.cve, { cve: r.cve, dateAdded: r.date_added, dueDate: r.due_date ?? undefined, ransomware: r.ransomware ?? undefined, name: r.name ?? undefined });
      }
    }
    return this.kevMap.get(cve);
  }

  namespaces(): Set<string> {
    if (!this.nsCache) this.nsCache = new Set((this.qNs.all() as Array<{ namespace: string }>).map((r) => r.namespace));
    return this.nsCache;
  }

  info(): VulnStoreInfo {
    const builtAt = (this.db.prepare("SELECT value FROM meta WHERE key = 'built_at'").get() as { value: string }).value;
    const sources = (this.db.prepare('SELECT * FROM sources ORDER BY name').all() as RawSource[]).map(toSource);
    const c = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      path: this.path,
      builtAt,
      ageMs: Date.now() - Date.parse(builtAt),
      sources,
      counts: {
        vulns: c('SELECT COUNT(DISTINCT id) n FROM vulns'),
        affected: c('SELECT COUNT(*) n FROM affected'),
        kev: c('SELECT COUNT(*) n FROM kev'),
        scores: c('SELECT COUNT(DISTINCT id) n FROM scores'),
        namespaces: [...this.namespaces()].sort(),
      },
    };
  }

  /** the newest import time among sources that imported without error (age shown by `db status`) */
  dataAgeMs(): number {
    const info = this.info();
    const times = info.sources.filter((s) => !s.error).map((s) => Date.parse(s.importedAt));
    return Date.now() - (times.length ? Math.min(...times) : Date.parse(info.builtAt));
  }
}

interface RawAffected {
  vuln_id: string;
  source: string;
  feed: string;
  ecosystem: string;
  namespace: string;
  package: string;
  ranges: string;
  versions: string;
  status: AffectedStatus;
  status_detail: string | null;
  severity: string | null;
}
const RAW_COLUMNS = 'vuln_id, source, feed, package, ranges, versions, status, status_detail, severity';
const EMPTY_JSON_LIST = '[]';
/** A row of RAW_COLUMNS (array form, the ecosystem and namespace known from the query). */
function fromRaw(r: unknown[], ecosystem: string, namespace: string): AffectedRow {
  const versions = r[5] as string;
  return {
    vulnId: r[0] as string,
    source: r[1] as string,
    feed: r[2] as string,
    ecosystem,
    namespace,
    package: r[3] as string,
    ranges: JSON.parse(r[4] as string) as Range[],
    versions: versions === EMPTY_JSON_LIST ? [] : (JSON.parse(versions) as string[]),
    status: r[6] as AffectedStatus,
    statusDetail: (r[7] as string | null) ?? undefined,
    severity: (r[8] as string | null) ?? undefined,
  };
}
function toAffected(r: RawAffected): AffectedRow {
  return {
    vulnId: r.vuln_id,
    source: r.source,
    feed: r.feed,
    ecosystem: r.ecosystem,
    namespace: r.namespace,
    package: r.package,
    ranges: JSON.parse(r.ranges) as Range[],
    versions: JSON.parse(r.versions) as string[],
    status: r.status,
    statusDetail: r.status_detail ?? undefined,
    severity: r.severity ?? undefined,
  };
}
interface RawVuln {
  id: string;
  source: string;
  feed: string;
  aliases: string;
  summary: string | null;
  published: string | null;
  modified: string | null;
  cvss_score: number | null;
  cvss_vector: string | null;
  cvss_version: string | null;
  severity_label: string | null;
  url: string | null;
}
const VULN_COLUMNS = ['id', 'source', 'feed', 'aliases', 'summary', 'published', 'modified', 'cvss_score', 'cvss_vector', 'cvss_version', 'severity_label', 'url'] as const;
/** A row of VULN_COLUMNS in array form (raw mode skips building one object per row). */
function rawVuln(a: unknown[]): RawVuln {
  return {
    id: a[0] as string,
    source: a[1] as string,
    feed: a[2] as string,
    aliases: a[3] as string,
    summary: a[4] as string | null,
    published: a[5] as string | null,
    modified: a[6] as string | null,
    cvss_score: a[7] as number | null,
    cvss_vector: a[8] as string | null,
    cvss_version: a[9] as string | null,
    severity_label: a[10] as string | null,
    url: a[11] as string | null,
  };
}
function toVuln(r: RawVuln): VulnRow {
  return {
    id: r.id,
    source: r.source,
    feed: r.feed,
    aliases: r.aliases === EMPTY_JSON_LIST ? [] : (JSON.parse(r.aliases) as string[]),
    summary: r.summary ?? undefined,
    published: r.published ?? undefined,
    modified: r.modified ?? undefined,
    cvss: r.cvss_score !== null && r.cvss_vector ? { score: r.cvss_score, vector: r.cvss_vector, version: r.cvss_version ?? '' } : undefined,
    severityLabel: r.severity_label ?? undefined,
    url: r.url ?? undefined,
  };
}
interface RawSource {
  name: string;
  feed: string;
  location: string;
  imported_at: string;
  data_date: string | null;
  etag: string | null;
  last_modified: string | null;
  records: number;
  stats: string;
  error: string | null;
  carried_over: number;
}
function toSource(r: RawSource): SourceRow {
  return {
    name: r.name,
    feed: r.feed,
    location: r.location,
    importedAt: r.imported_at,
    dataDate: r.data_date ?? undefined,
    etag: r.etag ?? undefined,
    lastModified: r.last_modified ?? undefined,
    records: r.records,
    stats: JSON.parse(r.stats) as Record<string, number>,
    error: r.error ?? undefined,
    carriedOver: r.carried_over === 1,
  };
}
