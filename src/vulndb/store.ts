/**
 * The vulnerability database: one SQLite file (better-sqlite3). Readers open it read-only;
 * `update.ts` builds a new file aside with `DbWriter` and renames it into place.
 *
 * Tables written by the importers, one row set per imported source (so a source can be carried over
 * from the previous database, or dropped, on its own):
 * - sources: one row per imported source (feed, location, validators, counts, error)
 * - vulns: one row per advisory and source (id, aliases, summary, url)
 * - affected: one row per advisory x package x namespace. Ranges are OSV-style events; the shape every
 *   distro row has (`introduced 0`, then at most one `fixed`) is stored compactly as shape E/S plus the
 *   fixed version, anything else as JSON (shape J); shape '' is "no range" (never affected). An explicit
 *   versions list is stored in the order `listedIn` binary-searches (`sortVersionList`)
 * - aliases: the alias links each source states, in both directions
 * - ratings: severity ratings by advisory id (CVSS vectors scored, vendor words), with who rated
 * - kev: CISA Known Exploited Vulnerabilities
 * - namespaces: the distro releases each source covers ("debian:bookworm", "alpine:v3.20")
 *
 * Tables derived when the file is sealed (`finish`), read by the matcher:
 * - packages: per (ecosystem, namespace, package) every advisory row packed into one text value, one line per
 *   row; a scan reads one short B-tree entry per package it looks up (the compact range format). Beside it, `idx`
 *   (the range index, `buildRangeIndex`): the rows of the common shape sorted by their fixed version, so the
 *   matcher finds the rows that affect an installed version by binary search and decodes only those
 * - advisories: per advisory id everything a finding needs beyond the row: alias links, summary, URLs,
 *   ratings, KEV; and a digest of all that plus its rows, which tells what an update changed
 * - changes / changed_packages: what this build changed against the database it replaced (`VulnStore.changes`)
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import type { Severity, SeverityRating } from '../core/finding.js';
import type { RatingInput } from './cvss.js';
import { findComparator, listedIn, sortVersionList, type VersionComparator } from './version/index.js';

import { APPLICATION_ID, SCHEMA_VERSION, checkDbFile } from './db-file.js';
export { APPLICATION_ID, SCHEMA_VERSION, checkDbFile };

const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
  name TEXT PRIMARY KEY, feed TEXT NOT NULL, location TEXT NOT NULL, imported_at TEXT NOT NULL,
  data_date TEXT, etag TEXT, last_modified TEXT, records INTEGER NOT NULL DEFAULT 0,
  stats TEXT NOT NULL DEFAULT '{}', error TEXT, carried_over INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE vulns (
  id TEXT NOT NULL, source TEXT NOT NULL, feed TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]',
  summary TEXT, published TEXT, modified TEXT, url TEXT,
  PRIMARY KEY (id, source)
);
CREATE TABLE affected (
  vuln_id TEXT NOT NULL, source TEXT NOT NULL, feed TEXT NOT NULL,
  ecosystem TEXT NOT NULL, namespace TEXT NOT NULL, package TEXT NOT NULL,
  shape TEXT NOT NULL, fixed TEXT, ranges TEXT, versions TEXT, vmin TEXT, vmax TEXT,
  status TEXT NOT NULL, status_detail TEXT, severity TEXT
);
CREATE TABLE aliases (alias TEXT NOT NULL, vuln_id TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (alias, vuln_id, source)) WITHOUT ROWID;
CREATE TABLE ratings (
  id TEXT NOT NULL, source TEXT NOT NULL, rated_by TEXT NOT NULL, method TEXT NOT NULL, severity TEXT NOT NULL,
  score REAL, vector TEXT, label TEXT,
  PRIMARY KEY (id, source, rated_by, method)
) WITHOUT ROWID;
CREATE TABLE kev (
  cve TEXT PRIMARY KEY, source TEXT NOT NULL, date_added TEXT NOT NULL, due_date TEXT, ransomware TEXT, name TEXT
);
CREATE TABLE namespaces (namespace TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (namespace, source)) WITHOUT ROWID;
CREATE TABLE packages (
  ecosystem TEXT NOT NULL, namespace TEXT NOT NULL, package TEXT NOT NULL, entries TEXT NOT NULL, idx TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (ecosystem, namespace, package)
) WITHOUT ROWID;
CREATE TABLE advisories (
  id TEXT PRIMARY KEY, links TEXT, summary TEXT, urls TEXT, ratings TEXT, kev TEXT, digest TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE source_index (idx INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE changes (change TEXT NOT NULL, id TEXT NOT NULL);
CREATE TABLE changed_packages (ecosystem TEXT NOT NULL, namespace TEXT NOT NULL, package TEXT NOT NULL);
`;

/** Tables whose rows belong to one source (copied or dropped per source). */
export const TABLES_BY_SOURCE = ['vulns', 'affected', 'aliases', 'ratings', 'kev', 'namespaces'] as const;

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
  /** the feed's own rating of this vulnerability for this package, in its words (Debian urgency) */
  severity?: string;
  /**
   * Set when the row has the common shape (one range `introduced 0`, then at most one `fixed`, no versions
   * list): the fixed version, or null when there is none. Lets the matcher compare without walking ranges.
   */
  simpleFixed?: string | null;
  /**
   * Does the versions list name `v` (by the comparator's equality)? Rows read from the database answer
   * without decoding a long list when `v` lies outside its lowest..highest version.
   */
  lists?(cmp: VersionComparator, v: string): boolean;
  /** the advisory page of this row's record (its source's URL for the id) */
  url?: string;
  /**
   * false when the advisory id has nothing beyond this row and `url` (no summary, alias links, ratings or KEV):
   * the matcher then skips its lookup. Undefined (rows built elsewhere): look it up.
   */
  more?: boolean;
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

/** Everything about one advisory id the matcher needs beyond its rows (the `advisories` table). */
export interface AdvisoryInfo {
  id: string;
  /** ids this one names as aliases or that name it, in any source */
  links: string[];
  summary?: string;
  /** advisory page per source that published it */
  urls?: Record<string, string>;
  /** ratings published under this id (ids of the rating omitted: it is this one) */
  ratings: SeverityRating[];
  kev?: { dateAdded: string; dueDate?: string; knownRansomware?: string };
}

/** The receiving end of an importer: one per source being imported. */
export interface FeedSink {
  vuln(v: Omit<VulnRow, 'source'>): void;
  affected(a: Omit<AffectedRow, 'source'>): void;
  /** a severity rating published under advisory `id` */
  rating(id: string, r: RatingInput): void;
  kev(k: KevRow): void;
  namespace(ns: string): void;
  /** counters shown by `db status` (skipped GIT ranges, withdrawn records, ...) */
  count(key: string, n?: number): void;
}

/** What a database build changed against the one it replaced. */
export interface ChangeSet {
  /** false when there was no previous database of this schema to compare with (every advisory is new) */
  previous: boolean;
  /** build times of the replaced and the new database */
  from?: string;
  to: string;
  /** advisory ids (CVE, GHSA, ... and ids known only through ratings or KEV) */
  added: string[];
  removed: string[];
  modified: string[];
  /**
   * The packages the changed advisories (and the ids linked to them as aliases) name, before or after the
   * change, keyed as the matcher looks them up: distro packages by source name in their release namespace,
   * language packages by normalised name with namespace ''. Re-matching only inventory packages with these
   * keys gives every finding the update can have added, removed or changed.
   */
  packages: Array<{ ecosystem: string; namespace: string; name: string }>;
}

// ---- the compact row format -------------------------------------------------------------------------

const INTRO0: RangeEvent = Object.freeze({ introduced: '0' }) as RangeEvent;
const EMPTY: string[] = Object.freeze([]) as unknown as string[];

function isOnly(e: RangeEvent, key: keyof RangeEvent): boolean {
  let n = 0;
  for (const k in e) if ((e as Record<string, unknown>)[k] !== undefined) n++;
  return n === 1 && typeof e[key] === 'string';
}

/** Ranges -> (shape, fixed, json): '' none, E/S one ECOSYSTEM/SEMVER range "introduced 0 [, fixed X]", J anything else. */
export function encodeRanges(ranges: Range[]): { shape: string; fixed: string | null; json: string | null } {
  if (!ranges.length) return { shape: '', fixed: null, json: null };
  if (ranges.length === 1) {
    const r = ranges[0]!;
    const ev = r.events;
    const letter = r.type === 'ECOSYSTEM' ? 'E' : r.type === 'SEMVER' ? 'S' : undefined;
    if (letter && ev.length >= 1 && ev.length <= 2 && isOnly(ev[0]!, 'introduced') && ev[0]!.introduced === '0') {
      if (ev.length === 1) return { shape: letter, fixed: null, json: null };
      if (isOnly(ev[1]!, 'fixed')) return { shape: letter, fixed: ev[1]!.fixed!, json: null };
    }
  }
  return { shape: 'J', fixed: null, json: JSON.stringify(ranges) };
}

export function decodeRanges(shape: string, fixed: string | null | undefined, json: string | null | undefined): Range[] {
  switch (shape) {
    case '':
      return [];
    case 'E':
    case 'S': {
      const type = shape === 'E' ? 'ECOSYSTEM' : 'SEMVER';
      return [{ type, events: fixed ? [INTRO0, { fixed }] : [INTRO0] }];
    }
    default:
      return json ? (JSON.parse(json) as Range[]) : [];
  }
}

/**
 * Fields of one packed line, in this order, tab-separated (no field holds a tab or a newline): vuln id, source
 * index, feed label, status, shape, fixed, severity (the feed's word), status detail, the lowest and highest
 * version of the sorted versions list the comparator accepts, the advisory page of this row's record, a flag
 * ('1') when the advisory id has more to read from `advisories` (a summary, alias links, ratings, KEV, or pages
 * from several sources), ranges JSON, versions JSON. Rows without the flag (most distro rows) need no lookup.
 */

// ---- writing ---------------------------------------------------------------------------------------

/** Writes a brand-new database file. Call `finish()` to seal it (derived tables, ANALYZE, integrity check). */
export class DbWriter {
  readonly db: Database.Database;
  private insVuln;
  private insAff;
  private insAlias;
  private insRating;
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
      `INSERT INTO vulns (id, source, feed, aliases, summary, published, modified, url)
       VALUES (?,?,?,?,?,?,?,?)
       ON CONFLICT (id, source) DO UPDATE SET aliases = excluded.aliases, summary = COALESCE(vulns.summary, excluded.summary),
         url = COALESCE(vulns.url, excluded.url)`,
    );
    this.insAff = this.db.prepare(
      `INSERT INTO affected (vuln_id, source, feed, ecosystem, namespace, package, shape, fixed, ranges, versions, vmin, vmax, status, status_detail, severity)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    this.insAlias = this.db.prepare('INSERT OR IGNORE INTO aliases (alias, vuln_id, source) VALUES (?,?,?)');
    this.insRating = this.db.prepare(
      'INSERT OR REPLACE INTO ratings (id, source, rated_by, method, severity, score, vector, label) VALUES (?,?,?,?,?,?,?,?)',
    );
    this.insKev = this.db.prepare('INSERT OR REPLACE INTO kev (cve, source, date_added, due_date, ransomware, name) VALUES (?,?,?,?,?,?)');
    this.insNs = this.db.prepare('INSERT OR IGNORE INTO namespaces (namespace, source) VALUES (?,?)');
  }

  /** A sink for one source; everything it receives is tagged with the source name. */
  sink(source: string, stats: Record<string, number>): FeedSink {
    return {
      vuln: (v) => {
        const aliases = [...new Set(v.aliases.filter((a) => typeof a === 'string' && a && a !== v.id))];
        this.insVuln.run(v.id, source, v.feed, JSON.stringify(aliases), v.summary ?? null, v.published ?? null, v.modified ?? null, v.url ?? null);
        for (const a of aliases) {
          this.insAlias.run(a, v.id, source);
          this.insAlias.run(v.id, a, source);
        }
        stats.vulns = (stats.vulns ?? 0) + 1;
      },
      affected: (a) => {
        const r = encodeRanges(a.ranges);
        let versions: string | null = null;
        let vmin: string | null = null;
        let vmax: string | null = null;
        if (a.versions.length) {
          const sorted = sortVersionList(findComparator(a.ecosystem), a.versions);
          versions = JSON.stringify(sorted.list);
          if (sorted.valid) {
            vmin = sorted.list[0]!;
            vmax = sorted.list[sorted.valid - 1]!;
          }
        }
        this.insAff.run(
          a.vulnId, source, a.feed, a.ecosystem, a.namespace, a.package, r.shape, r.fixed, r.json,
          versions, vmin, vmax, a.status, a.statusDetail ?? null, a.severity ?? null,
        );
        stats.affected = (stats.affected ?? 0) + 1;
      },
      rating: (id, r) => {
        this.insRating.run(id, source, r.source, r.method, r.severity, r.score ?? null, r.vector ?? null, r.label ?? null);
        stats.ratings = (stats.ratings ?? 0) + 1;
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

  /**
   * Copies every row of `source` from a previous database (a source that failed, was not modified, or was
   * not part of this update). Returns the source's row from the old database, or undefined when it had none
   * or the old file cannot be read (another schema).
   */
  carryOver(oldPath: string, source: string, mark?: { error?: string }): SourceRow | undefined {
    if (!existsSync(oldPath)) return undefined;
    try {
      checkDbFile(oldPath);
    } catch {
      return undefined;
    }
    this.db.prepare('ATTACH DATABASE ? AS old').run(oldPath);
    try {
      const had = this.db.prepare('SELECT * FROM old.sources WHERE name = ?').get(source) as RawSource | undefined;
      if (!had) return undefined;
      this.db.exec('BEGIN');
      try {
        for (const t of TABLES_BY_SOURCE) this.db.prepare(`INSERT OR IGNORE INTO main.${t} SELECT * FROM old.${t} WHERE source = ?`).run(source);
        this.db.prepare('INSERT OR REPLACE INTO main.sources SELECT * FROM old.sources WHERE name = ?').run(source);
        this.db.prepare('UPDATE main.sources SET carried_over = 1, error = ? WHERE name = ?').run(mark?.error ?? null, source);
        this.db.exec('COMMIT');
      } catch (e) {
        this.db.exec('ROLLBACK');
        throw e;
      }
      return toSource(had);
    } finally {
      this.db.exec('DETACH DATABASE old');
    }
  }

  /** Names of the sources a previous database holds (empty when there is none or it cannot be read). */
  static sourcesOf(oldPath: string): SourceRow[] {
    if (!existsSync(oldPath)) return [];
    try {
      checkDbFile(oldPath);
      const d = new Database(oldPath, { readonly: true, fileMustExist: true });
      try {
        return (d.prepare('SELECT * FROM sources ORDER BY name').all() as RawSource[]).map(toSource);
      } finally {
        d.close();
      }
    } catch {
      return [];
    }
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Seals the file: indexes, the derived `packages` and `advisories` tables, the change set against
   * `previousPath` (when it is a database of this schema), ANALYZE and an integrity check.
   */
  finish(previousPath?: string): ChangeSet {
    const db = this.db;
    db.exec('CREATE INDEX affected_vuln ON affected (vuln_id)');
    db.exec('CREATE INDEX affected_source ON affected (source)');
    db.exec('CREATE INDEX vulns_source ON vulns (source)');
    db.exec('BEGIN');
    db.exec('INSERT INTO source_index (name) SELECT name FROM sources ORDER BY name');
    buildAdvisories(db);
    buildPackages(db);
    buildRangeIndex(db);
    const builtAt = new Date().toISOString();
    const set = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    set.run('schema_version', String(SCHEMA_VERSION));
    set.run('built_at', builtAt);
    set.run('tool', 'bulwark');
    db.exec('COMMIT');
    // ATTACH is not allowed inside a transaction
    const changes = computeChanges(db, previousPath, builtAt);
    set.run('changes', JSON.stringify({ previous: changes.previous, from: changes.from, to: changes.to, added: changes.added.length, removed: changes.removed.length, modified: changes.modified.length, packages: changes.packages.length }));
    db.exec('ANALYZE');
    const ok = db.pragma('quick_check', { simple: true });
    if (ok !== 'ok') throw new Error(`new database failed its integrity check: ${String(ok)}`);
    db.close();
    return changes;
  }

  abort(): void {
    if (this.db.open) this.db.close();
  }
}

function buildPackages(db: Database.Database): void {
  // one line per row, fields as in F, rows of a package in import order (an aggregate ORDER BY: SQLite >= 3.44)
  const clean = (col: string) => `replace(replace(replace(COALESCE(${col}, ''), char(9), ' '), char(10), ' '), char(13), ' ')`;
  db.exec(`INSERT INTO packages (ecosystem, namespace, package, entries)
    SELECT a.ecosystem, a.namespace, a.package,
      group_concat(
        ${clean('a.vuln_id')} || char(9) || s.idx || char(9) || ${clean('a.feed')} || char(9) || a.status || char(9) || a.shape || char(9) ||
        ${clean('a.fixed')} || char(9) || ${clean('a.severity')} || char(9) || ${clean('a.status_detail')} || char(9) ||
        ${clean('a.vmin')} || char(9) || ${clean('a.vmax')} || char(9) || ${clean('v.url')} || char(9) ||
        CASE WHEN adv.summary IS NULL AND adv.links IS NULL AND adv.ratings IS NULL AND adv.kev IS NULL AND
                  (adv.urls IS NULL OR adv.urls NOT LIKE '%,%') THEN '' ELSE '1' END || char(9) ||
        COALESCE(a.ranges, '') || char(9) || COALESCE(a.versions, ''),
        char(10) ORDER BY a.rowid)
    FROM affected a JOIN source_index s ON s.name = a.source
      LEFT JOIN vulns v ON v.id = a.vuln_id AND v.source = a.source
      LEFT JOIN advisories adv ON adv.id = a.vuln_id
    GROUP BY a.ecosystem, a.namespace, a.package`);
}

/**
 * The range index of every package (`packages.idx`), so a scan does not evaluate every row of a package: text,
 * one item per line:
 * - line 1: the offsets (in `entries`, comma-separated) of the rows of the common shape ("introduced 0", no
 *   versions list) without a fix: they affect every version;
 * - line 2: the offsets of the rows the matcher must evaluate one by one (other shapes, a versions list, a fixed
 *   version the ecosystem's comparator does not accept, an ecosystem without one);
 * - then one line per row of the common shape with a fix, `fixed TAB offset`, sorted by the fixed version in the
 *   ecosystem's order: an installed version is affected by exactly the rows from the first fixed version above it.
 * Rows stated not affected are in no list (they never match). An offset is where the row's line starts.
 */
export function rangeIndex(ecosystem: string, entries: string): string {
  const cmp = findComparator(ecosystem);
  const unfixed: number[] = [];
  const other: number[] = [];
  const sorted: Array<{ fixed: string; at: number }> = [];
  let at = 0;
  while (at < entries.length) {
    let end = entries.indexOf('\n', at);
    if (end < 0) end = entries.length;
    const f = entries.slice(at, end).split('\t');
    const status = f[3];
    const simple = (f[4] === 'E' || f[4] === 'S') && !f[12] && !f[13];
    if (status !== 'not_affected') {
      if (simple && !f[5]) unfixed.push(at);
      else if (simple && cmp && cmp.valid(f[5]!)) sorted.push({ fixed: f[5]!, at });
      else other.push(at);
    }
    at = end + 1;
  }
  if (sorted.length > 1) {
    try {
      sorted.sort((a, b) => cmp!.compare(a.fixed, b.fixed) || a.at - b.at);
    } catch {
      // a comparator that cannot order versions it accepts: evaluate those rows one by one
      for (const r of sorted) other.push(r.at);
      other.sort((a, b) => a - b);
      sorted.length = 0;
    }
  }
  let out = `${unfixed.join(',')}\n${other.join(',')}`;
  for (const r of sorted) out += `\n${r.fixed}\t${r.at}`;
  return out;
}

function buildRangeIndex(db: Database.Database): void {
  const rows = db.prepare('SELECT ecosystem, namespace, package, entries FROM packages').raw(true).all() as Array<[string, string, string, string]>;
  const upd = db.prepare('UPDATE packages SET idx = ? WHERE ecosystem = ? AND namespace = ? AND package = ?');
  for (const [eco, ns, pkg, entries] of rows) upd.run(rangeIndex(eco, entries), eco, ns, pkg);
}

/** Order of rating methods when listing one source's ratings (its own word, then newest CVSS first). */
const METHOD_ORDER: Record<string, number> = { vendor: 0, 'CVSS:4.0': 1, 'CVSS:3.1': 2, 'CVSS:3.0': 3, CVSS: 4, 'CVSS:2.0': 5 };

function buildAdvisories(db: Database.Database): void {
  interface Acc {
    links?: Set<string>;
    summary?: string;
    urls?: Record<string, string>;
    ratings?: SeverityRating[];
    kev?: AdvisoryInfo['kev'];
    rows?: string[];
  }
  const acc = new Map<string, Acc>();
  const get = (id: string): Acc => {
    let a = acc.get(id);
    if (!a) acc.set(id, (a = {}));
    return a;
  };
  for (const [alias, id] of db.prepare('SELECT alias, vuln_id FROM aliases ORDER BY alias, vuln_id').raw(true).iterate() as Iterable<[string, string]>) {
    const a = get(alias);
    (a.links ??= new Set()).add(id);
  }
  for (const [id, source, summary, url] of db.prepare('SELECT id, source, summary, url FROM vulns ORDER BY id, source').raw(true).iterate() as Iterable<
    [string, string, string | null, string | null]
  >) {
    const a = get(id);
    if (summary && !a.summary) a.summary = summary;
    if (url) (a.urls ??= {})[source] = url;
  }
  const seen = new Set<string>();
  for (const [id, ratedBy, method, severity, score, vector, label] of db
    .prepare('SELECT id, rated_by, method, severity, score, vector, label FROM ratings ORDER BY id, rated_by, method, source')
    .raw(true)
    .iterate() as Iterable<[string, string, string, Severity, number | null, string | null, string | null]>) {
    const k = `${id}\u0000${ratedBy}\u0000${method}\u0000${vector ?? ''}\u0000${score ?? ''}\u0000${label ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const r: SeverityRating = { source: ratedBy, severity, method };
    if (score !== null) r.score = score;
    if (vector !== null) r.vector = vector;
    if (label !== null) r.label = label;
    (get(id).ratings ??= []).push(r);
  }
  seen.clear();
  for (const [cve, added, due, ransomware] of db.prepare('SELECT cve, date_added, due_date, ransomware FROM kev').raw(true).iterate() as Iterable<
    [string, string, string | null, string | null]
  >) {
    get(cve).kev = { dateAdded: added, ...(due ? { dueDate: due } : {}), ...(ransomware ? { knownRansomware: ransomware } : {}) };
  }
  for (const r of db
    .prepare('SELECT vuln_id, ecosystem, namespace, package, status, shape, fixed, severity, status_detail, ranges, versions FROM affected')
    .raw(true)
    .iterate() as Iterable<Array<string | null>>) {
    (get(r[0]!).rows ??= []).push(r.slice(1).map((x) => x ?? '').join('\t'));
  }
  const ins = db.prepare('INSERT INTO advisories (id, links, summary, urls, ratings, kev, digest) VALUES (?,?,?,?,?,?,?)');
  for (const [id, a] of acc) {
    if (a.ratings) {
      a.ratings.sort((x, y) => x.source.localeCompare(y.source) || (METHOD_ORDER[x.method] ?? 9) - (METHOD_ORDER[y.method] ?? 9));
    }
    const links = a.links ? JSON.stringify([...a.links].sort()) : null;
    const ratings = a.ratings ? JSON.stringify(a.ratings) : null;
    const kev = a.kev ? JSON.stringify(a.kev) : null;
    const h = createHash('sha256');
    h.update(links ?? '').update('\u0001').update(ratings ?? '').update('\u0001').update(kev ?? '').update('\u0001');
    if (a.rows) for (const row of a.rows.sort()) h.update(row).update('\n');
    ins.run(id, links, a.summary ?? null, a.urls ? JSON.stringify(a.urls) : null, ratings, kev, h.digest('hex').slice(0, 32));
  }
}

function computeChanges(db: Database.Database, previousPath: string | undefined, builtAt: string): ChangeSet {
  const none: ChangeSet = { previous: false, to: builtAt, added: [], removed: [], modified: [], packages: [] };
  if (!previousPath || !existsSync(previousPath)) return none;
  try {
    checkDbFile(previousPath);
  } catch {
    return none;
  }
  db.prepare('ATTACH DATABASE ? AS prev').run(previousPath);
  try {
    const from = (db.prepare("SELECT value FROM prev.meta WHERE key = 'built_at'").get() as { value: string } | undefined)?.value;
    const col = (sql: string) => (db.prepare(sql).raw(true).all() as Array<[string]>).map((r) => r[0]);
    const added = col('SELECT id FROM main.advisories n WHERE NOT EXISTS (SELECT 1 FROM prev.advisories o WHERE o.id = n.id) ORDER BY id');
    const removed = col('SELECT id FROM prev.advisories o WHERE NOT EXISTS (SELECT 1 FROM main.advisories n WHERE n.id = o.id) ORDER BY id');
    const modified = col('SELECT n.id FROM main.advisories n JOIN prev.advisories o ON o.id = n.id WHERE o.digest <> n.digest ORDER BY n.id');
    db.exec('BEGIN');
    const insC = db.prepare('INSERT INTO changes (change, id) VALUES (?, ?)');
    for (const id of added) insC.run('added', id);
    for (const id of removed) insC.run('removed', id);
    for (const id of modified) insC.run('modified', id);
    // the changed ids and the ids linked to them (an NVD rating on a CVE changes the GHSA finding that aliases it)
    db.exec('CREATE TEMP TABLE changed_ids (id TEXT PRIMARY KEY) WITHOUT ROWID');
    db.exec(`INSERT OR IGNORE INTO changed_ids SELECT id FROM main.changes`);
    db.exec(`INSERT OR IGNORE INTO changed_ids SELECT a.vuln_id FROM main.aliases a JOIN main.changes c ON c.id = a.alias`);
    db.exec(`INSERT OR IGNORE INTO changed_ids SELECT a.vuln_id FROM prev.aliases a JOIN main.changes c ON c.id = a.alias`);
    db.exec(`INSERT INTO changed_packages (ecosystem, namespace, package)
      SELECT ecosystem, namespace, package FROM main.affected WHERE vuln_id IN (SELECT id FROM changed_ids)
      UNION SELECT ecosystem, namespace, package FROM prev.affected WHERE vuln_id IN (SELECT id FROM changed_ids)`);
    db.exec('DROP TABLE temp.changed_ids');
    db.exec('COMMIT');
    const packages = (db.prepare('SELECT ecosystem, namespace, package FROM changed_packages ORDER BY 1, 2, 3').all() as Array<{
      ecosystem: string;
      namespace: string;
      package: string;
    }>).map((p) => ({ ecosystem: p.ecosystem, namespace: p.namespace, name: p.package }));
    return { previous: true, from, to: builtAt, added, removed, modified, packages };
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.exec('DETACH DATABASE prev');
  }
}


export interface VulnStoreInfo {
  path: string;
  builtAt: string;
  ageMs: number;
  sources: SourceRow[];
  counts: { vulns: number; affected: number; kev: number; ratings: number; namespaces: string[] };
  /** what the last update changed (counts), when it replaced a database of this schema */
  lastChanges?: { previous: boolean; from?: string; to: string; added: number; removed: number; modified: number; packages: number };
}

// ---- reading ---------------------------------------------------------------------------------------

/** Read side: opened read-only; prepared statements and caches for the matcher. */
export class VulnStore {
  readonly db: Database.Database;
  private qPkg;
  private qPkgMany;
  private qAdvMany;
  private qVulnsById;
  private qAliases;
  private qRatings;
  private qKev;
  private qNs;
  private qByVuln;
  private sourceNames?: string[];
  private pkgCache = new Map<string, PackedPackage | null>();
  private advCache = new Map<string, AdvisoryInfo | null>();
  private vulnCache = new Map<string, VulnRow[]>();
  private aliasCache = new Map<string, string[]>();
  private nsCache?: Set<string>;

  private constructor(readonly path: string) {
    checkDbFile(path);
    try {
      this.db = new Database(path, { readonly: true, fileMustExist: true });
      // read through a memory map instead of a read() per page: a scan's first match reads megabytes of packed rows
      // (2.7 MB for the 457 Debian sources of the bench's stress inventory: 55 ms of CPU through read(), 17 ms mapped).
      // Updates never write a database in place (a new file is renamed over it), so the mapping stays valid.
      this.db.pragma('mmap_size = 268435456');
      const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (!meta || Number(meta.value) !== SCHEMA_VERSION) throw new Error('schema version row missing');
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`vulnerability database ${path} is damaged (${(e as Error).message}): run 'bulwark db update'`);
    }
    this.qPkg = this.db.prepare('SELECT entries, idx FROM packages WHERE ecosystem = ? AND namespace = ? AND package = ?').raw(true);
    this.qPkgMany = this.db
      .prepare('SELECT package, entries, idx FROM packages WHERE ecosystem = ? AND namespace = ? AND package IN (SELECT value FROM json_each(?))')
      .raw(true);
    this.qAdvMany = this.db.prepare('SELECT id, links, summary, urls, ratings, kev FROM advisories WHERE id IN (SELECT value FROM json_each(?))').raw(true);
    this.qByVuln = this.db.prepare('SELECT * FROM affected WHERE vuln_id = ? ORDER BY rowid');
    this.qVulnsById = this.db.prepare('SELECT * FROM vulns WHERE id = ? ORDER BY source');
    this.qAliases = this.db.prepare('SELECT DISTINCT vuln_id FROM aliases WHERE alias = ? ORDER BY vuln_id').pluck(true);
    this.qRatings = this.db.prepare('SELECT ratings FROM advisories WHERE id = ?').pluck(true);
    this.qKev = this.db.prepare('SELECT * FROM kev WHERE cve = ?');
    this.qNs = this.db.prepare('SELECT DISTINCT namespace FROM namespaces');
  }

  static open(path: string): VulnStore {
    return new VulnStore(path);
  }

  close(): void {
    this.db.close();
  }

  private source(idx: string): string {
    if (!this.sourceNames) {
      this.sourceNames = [];
      for (const r of this.db.prepare('SELECT idx, name FROM source_index').all() as Array<{ idx: number; name: string }>) this.sourceNames[r.idx] = r.name;
    }
    return this.sourceNames[Number(idx)] ?? '';
  }

  private names(): string[] {
    if (!this.sourceNames) this.source('0');
    return this.sourceNames!;
  }

  /**
   * The packed rows of one package (ecosystem, namespace, stored name) with their range index, undecoded;
   * undefined when no advisory names the package.
   */
  packedFor(ecosystem: string, namespace: string, pkg: string): PackedPackage | undefined {
    const key = `${ecosystem}\u0000${namespace}\u0000${pkg}`;
    let p = this.pkgCache.get(key);
    if (p === undefined) {
      const r = this.qPkg.get(ecosystem, namespace, pkg) as [string, string] | undefined;
      p = r ? new PackedPackage(ecosystem, namespace, pkg, r[0], r[1], this.names()) : null;
      if (this.pkgCache.size > 50_000) this.pkgCache.clear();
      this.pkgCache.set(key, p);
    }
    return p ?? undefined;
  }

  /** Advisory rows for one package (ecosystem, namespace, stored name), in import order. */
  affectedFor(ecosystem: string, namespace: string, pkg: string): AffectedRow[] {
    return this.packedFor(ecosystem, namespace, pkg)?.rows() ?? (EMPTY as unknown as AffectedRow[]);
  }

  /** Loads the rows of many packages of one (ecosystem, namespace) in one query; `packedFor` then hits the cache. */
  preloadAffected(ecosystem: string, namespace: string, pkgs: readonly string[]): void {
    const want: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < pkgs.length; i++) {
      const p = pkgs[i]!;
      if (seen.has(p)) continue;
      seen.add(p);
      if (!this.pkgCache.has(`${ecosystem}\u0000${namespace}\u0000${p}`)) want.push(p);
    }
    if (!want.length) return;
    if (this.pkgCache.size + want.length > 50_000) this.pkgCache.clear();
    for (const p of want) this.pkgCache.set(`${ecosystem}\u0000${namespace}\u0000${p}`, null);
    const names = this.names();
    for (const [p, entries, idx] of this.qPkgMany.all(ecosystem, namespace, JSON.stringify(want)) as Array<[string, string, string]>) {
      this.pkgCache.set(`${ecosystem}\u0000${namespace}\u0000${p}`, new PackedPackage(ecosystem, namespace, p, entries, idx, names));
    }
  }

  /** Loads the advisory records of many ids in one query (ids without one are remembered as absent). */
  preloadAdvisories(ids: Iterable<string>): void {
    const want: string[] = [];
    for (const id of ids) {
      if (this.advCache.has(id)) continue;
      this.advCache.set(id, null);
      want.push(id);
    }
    if (!want.length) return;
    for (const r of this.qAdvMany.all(JSON.stringify(want)) as Array<[string, string | null, string | null, string | null, string | null, string | null]>) {
      const info: AdvisoryInfo = {
        id: r[0],
        links: r[1] ? (JSON.parse(r[1]) as string[]) : EMPTY,
        ratings: r[4] ? (JSON.parse(r[4]) as SeverityRating[]) : (EMPTY as unknown as SeverityRating[]),
      };
      if (r[2]) info.summary = r[2];
      if (r[3]) info.urls = JSON.parse(r[3]) as Record<string, string>;
      if (r[5]) info.kev = JSON.parse(r[5]) as AdvisoryInfo['kev'];
      this.advCache.set(r[0], info);
    }
  }

  /** The advisory record of an id (links, summary, URLs, ratings, KEV); undefined when no source names it. */
  advisory(id: string): AdvisoryInfo | undefined {
    if (!this.advCache.has(id)) this.preloadAdvisories([id]);
    return this.advCache.get(id) ?? undefined;
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

  /** ids that list `id` as an alias, and that `id` lists */
  aliasesOf(id: string): string[] {
    let a = this.aliasCache.get(id);
    if (!a) {
      a = this.qAliases.all(id) as string[];
      this.aliasCache.set(id, a);
    }
    return a;
  }

  /** the ratings published under an id */
  ratings(id: string): SeverityRating[] {
    const r = this.qRatings.get(id) as string | null | undefined;
    return r ? (JSON.parse(r) as SeverityRating[]) : [];
  }

  kev(cve: string): KevRow | undefined {
    const r = this.qKev.get(cve) as { cve: string; date_added: string; due_date: string | null; ransomware: string | null; name: string | null } | undefined;
    return r ? { cve: r.cve, dateAdded: r.date_added, dueDate: r.due_date ?? undefined, ransomware: r.ransomware ?? undefined, name: r.name ?? undefined } : undefined;
  }

  namespaces(): Set<string> {
    if (!this.nsCache) this.nsCache = new Set((this.qNs.all() as Array<{ namespace: string }>).map((r) => r.namespace));
    return this.nsCache;
  }

  /** What the update that built this database changed against the one it replaced. */
  changes(): ChangeSet {
    const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'changes'").pluck(true).get() as string | undefined;
    const head = meta ? (JSON.parse(meta) as { previous: boolean; from?: string; to: string }) : { previous: false, to: this.builtAt() };
    const ids = (c: string) => this.db.prepare('SELECT id FROM changes WHERE change = ? ORDER BY id').pluck(true).all(c) as string[];
    return {
      previous: head.previous,
      ...(head.from ? { from: head.from } : {}),
      to: head.to,
      added: ids('added'),
      removed: ids('removed'),
      modified: ids('modified'),
      packages: (this.db.prepare('SELECT ecosystem, namespace, package FROM changed_packages ORDER BY 1, 2, 3').raw(true).all() as Array<[string, string, string]>).map(
        ([ecosystem, namespace, name]) => ({ ecosystem, namespace, name }),
      ),
    };
  }

  private builtAt(): string {
    return (this.db.prepare("SELECT value FROM meta WHERE key = 'built_at'").get() as { value: string }).value;
  }

  info(): VulnStoreInfo {
    const builtAt = this.builtAt();
    const sources = (this.db.prepare('SELECT * FROM sources ORDER BY name').all() as RawSource[]).map(toSource);
    const c = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    const ch = this.db.prepare("SELECT value FROM meta WHERE key = 'changes'").pluck(true).get() as string | undefined;
    return {
      path: this.path,
      builtAt,
      ageMs: Date.now() - Date.parse(builtAt),
      sources,
      counts: {
        vulns: c('SELECT COUNT(DISTINCT id) n FROM vulns'),
        affected: c('SELECT COUNT(*) n FROM affected'),
        kev: c('SELECT COUNT(*) n FROM kev'),
        ratings: c('SELECT COUNT(*) n FROM ratings'),
        namespaces: [...this.namespaces()].sort(),
      },
      ...(ch ? { lastChanges: JSON.parse(ch) as VulnStoreInfo['lastChanges'] } : {}),
    };
  }

  /** the age of the oldest data among sources that imported without error (age shown by `db status`) */
  dataAgeMs(): number {
    // the sources alone: info() also counts every table, tens of milliseconds on the full feeds, and every
    // scan asks for the age
    const sources = (this.db.prepare('SELECT * FROM sources ORDER BY name').all() as RawSource[]).map(toSource);
    const times = sources.filter((s) => !s.error).map((s) => Date.parse(s.importedAt));
    return Date.now() - (times.length ? Math.min(...times) : Date.parse(this.builtAt()));
  }
}

/**
 * One package's packed rows (`packages.entries`) and range index (`packages.idx`, see `rangeIndex`), read from
 * the database and decoded row by row on demand: a scan decodes only the rows that affect the installed version.
 */
export class PackedPackage {
  private byOffset = new Map<number, PackedRow>();
  private all: AffectedRow[] | undefined;
  /** line starts of the index (lazily) */
  private lines: number[] | undefined;
  private head: { second: number; sorted: number } | undefined;

  constructor(
    readonly ecosystem: string,
    readonly namespace: string,
    readonly pkg: string,
    private readonly entries: string,
    private readonly idx: string,
    private readonly names: string[],
  ) {}

  /** The row whose line starts at `offset` (one object per row). */
  rowAt(offset: number): AffectedRow {
    let r = this.byOffset.get(offset);
    if (!r) {
      let end = this.entries.indexOf('\n', offset);
      if (end < 0) end = this.entries.length;
      r = new PackedRow(this.ecosystem, this.namespace, this.pkg, this.entries.slice(offset, end), this.names);
      this.byOffset.set(offset, r);
    }
    return r;
  }

  /** Every row, in import order. */
  rows(): AffectedRow[] {
    if (!this.all) {
      const out: AffectedRow[] = [];
      const e = this.entries;
      let start = 0;
      while (start < e.length) {
        let end = e.indexOf('\n', start);
        if (end < 0) end = e.length;
        out.push(this.rowAt(start));
        start = end + 1;
      }
      this.all = out;
    }
    return this.all;
  }

  private indexLines(): number[] {
    if (!this.lines) {
      const l = [0];
      const x = this.idx;
      for (let i = x.indexOf('\n'); i >= 0; i = x.indexOf('\n', i + 1)) l.push(i + 1);
      this.lines = l;
    }
    return this.lines;
  }

  /** Where the index's second line starts, and where its sorted lines start (-1: there are none). */
  private heads(): { second: number; sorted: number } {
    if (!this.head) {
      const x = this.idx;
      const a = x.indexOf('\n');
      const b = a < 0 ? -1 : x.indexOf('\n', a + 1);
      this.head = { second: a < 0 ? -1 : a + 1, sorted: b < 0 ? -1 : b + 1 };
    }
    return this.head;
  }

  /** Offsets of the rows of the common shape without a fix (they affect every version), ascending. */
  unfixed(): number[] {
    const { second } = this.heads();
    return offsets(this.idx, 0, second >= 0 ? second - 1 : this.idx.length);
  }

  /** Offsets of the rows to evaluate one by one, ascending. */
  others(): number[] {
    const { second, sorted } = this.heads();
    return second >= 0 ? offsets(this.idx, second, sorted >= 0 ? sorted - 1 : this.idx.length) : [];
  }

  /** Does the index sort any row (the common shape with a fix)? */
  hasSorted(): boolean {
    return this.heads().sorted >= 0;
  }

  /**
   * The rows of the common shape with a fix that affect `installed` (their fixed version is above it), as offsets in
   * the index's order (ascending fixed version): a binary search over the sorted lines of the index text, then the
   * lines from the first such row to the end, without a table of every line. Empty when the index sorts no row.
   * A comparison that throws is passed on.
   */
  sortedAbove(cmp: VersionComparator, installed: string): number[] {
    const out: number[] = [];
    const { sorted } = this.heads();
    if (sorted < 0) return out;
    const x = this.idx;
    const end = x.length;
    // lo and hi are line starts: every line before lo is at or below `installed`, every line from hi on above it
    let lo = sorted;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = x.lastIndexOf('\n', mid) + 1; // the start of the line holding mid (lo starts a line: at >= lo)
      const tab = x.indexOf('\t', at);
      if (tab < 0) throw new Error('damaged range index');
      if (cmp.compare(installed, x.slice(at, tab)) < 0) hi = at;
      else {
        const nl = x.indexOf('\n', tab);
        lo = nl < 0 ? end : nl + 1;
      }
    }
    for (let at = lo; at < end; ) {
      let k = x.indexOf('\t', at) + 1;
      if (k === 0) throw new Error('damaged range index');
      let n = 0;
      for (let c = x.charCodeAt(k); c !== 10 && k < end; c = x.charCodeAt(++k)) n = n * 10 + (c - 48);
      out.push(n);
      at = k + 1;
    }
    return out;
  }

  /** How many rows of the common shape with a fix the index sorts (it lists every line of the index: for tests and tools). */
  fixedCount(): number {
    return Math.max(0, this.indexLines().length - 2);
  }
}

/** The comma-separated decimal numbers of x[a..b). */
function offsets(x: string, a: number, b: number): number[] {
  const out: number[] = [];
  if (a >= b) return out;
  let n = 0;
  for (let k = a; k < b; k++) {
    const c = x.charCodeAt(k);
    if (c === 44) {
      out.push(n);
      n = 0;
    } else n = n * 10 + (c - 48);
  }
  out.push(n);
  return out;
}

/**
 * One advisory row decoded from a packed `packages` line. Ranges, versions and the source name are decoded
 * on first use: a scan reads thousands of rows and compares most of them through `simpleFixed` alone.
 */
class PackedRow implements AffectedRow {
  readonly vulnId: string;
  readonly feed: string;
  readonly status: AffectedStatus;
  readonly statusDetail: string | undefined;
  readonly severity: string | undefined;
  readonly simpleFixed: string | null | undefined;
  readonly url: string | undefined;
  readonly more: boolean;
  readonly ecosystem: string;
  readonly namespace: string;
  readonly package: string;
  private readonly shape: string;
  private readonly fixedText: string;
  /** where the source index, the lowest version and the ranges field start in `line` (read on demand) */
  private readonly srcAt: number;
  private readonly vminAt: number;
  private readonly tailAt: number;
  private r: Range[] | undefined;
  private v: string[] | undefined;

  /** `line` is one packed line: the fields of F, tab-separated */
  constructor(ecosystem: string, namespace: string, pkg: string, private readonly line: string, private readonly names: string[]) {
    this.ecosystem = ecosystem;
    this.namespace = namespace;
    this.package = pkg;
    // the fields every match reads are sliced now; the source, the versions list bounds, the ranges and the
    // versions list only when asked (most rows are compared through their fixed version alone)
    let a = 0;
    let b = line.indexOf('\t', a);
    this.vulnId = line.slice(a, b);
    a = b + 1;
    this.srcAt = a;
    b = line.indexOf('\t', a);
    a = b + 1;
    b = line.indexOf('\t', a);
    this.feed = internAt(line, a, b);
    a = b + 1;
    b = line.indexOf('\t', a);
    this.status = internAt(line, a, b) as AffectedStatus;
    a = b + 1;
    b = line.indexOf('\t', a);
    this.shape = b === a + 1 ? (line.charCodeAt(a) === 69 ? 'E' : line.charCodeAt(a) === 83 ? 'S' : line.charCodeAt(a) === 74 ? 'J' : line.slice(a, b)) : line.slice(a, b);
    a = b + 1;
    b = line.indexOf('\t', a);
    this.fixedText = line.slice(a, b);
    a = b + 1;
    b = line.indexOf('\t', a);
    this.severity = b > a ? internAt(line, a, b) : undefined;
    a = b + 1;
    b = line.indexOf('\t', a);
    this.statusDetail = b > a ? line.slice(a, b) : undefined;
    a = b + 1;
    this.vminAt = a;
    b = line.indexOf('\t', line.indexOf('\t', a) + 1); // past the lowest and the highest version
    a = b + 1;
    b = line.indexOf('\t', a);
    this.url = b > a ? line.slice(a, b) : undefined;
    a = b + 1;
    b = line.indexOf('\t', a);
    this.more = b > a;
    this.tailAt = b + 1;
    // the common shape without a versions list (the line then ends with the empty versions field)
    this.simpleFixed = (this.shape === 'E' || this.shape === 'S') && line.charCodeAt(line.length - 1) === 9 ? this.fixedText || null : undefined;
  }

  get source(): string {
    return this.names[Number(this.line.slice(this.srcAt, this.line.indexOf('\t', this.srcAt)))] ?? '';
  }

  get ranges(): Range[] {
    if (!this.r) {
      const tab = this.line.indexOf('\t', this.tailAt);
      this.r = decodeRanges(this.shape, this.fixedText, this.line.slice(this.tailAt, tab));
    }
    return this.r;
  }

  private versionsJson(): string {
    return this.line.slice(this.line.indexOf('\t', this.tailAt) + 1);
  }

  lists(cmp: VersionComparator, v: string): boolean {
    const json = this.versionsJson();
    if (!json) return false;
    // an exact hit needs no decoding (a version holding a quote or backslash is escaped in JSON: decode then)
    if (!/["\\]/.test(v) && json.includes(`"${v}"`)) return true;
    const e = this.line.indexOf('\t', this.vminAt);
    if (e === this.vminAt) return false; // no entry the comparator accepts: only exact hits count
    const vmin = this.line.slice(this.vminAt, e);
    const vmax = this.line.slice(e + 1, this.line.indexOf('\t', e + 1));
    if (cmp.valid(v) && (cmp.compare(v, vmin) < 0 || cmp.compare(v, vmax) > 0)) return false;
    return listedIn(cmp, this.versions, v);
  }

  get versions(): string[] {
    if (!this.v) {
      const json = this.versionsJson();
      this.v = json ? (JSON.parse(json) as string[]) : EMPTY;
    }
    return this.v;
  }
}

/**
 * One string per distinct short label (feed names, statuses, the feeds' severity words): rows share them instead of
 * holding copies, and maps keyed by them hash each once. The few labels there are are found by comparing in place,
 * before any slice is made.
 */
const labels: string[] = [];
const interned = new Map<string, string>();
function internAt(line: string, a: number, b: number): string {
  const n = b - a;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l.length === n && line.startsWith(l, a)) return l;
  }
  const s = line.slice(a, b);
  if (labels.length < 32) {
    labels.push(s);
    return s;
  }
  let v = interned.get(s);
  if (v === undefined) {
    if (interned.size > 1000) interned.clear();
    interned.set(s, (v = s));
  }
  return v;
}

interface RawAffected {
  vuln_id: string;
  source: string;
  feed: string;
  ecosystem: string;
  namespace: string;
  package: string;
  shape: string;
  fixed: string | null;
  ranges: string | null;
  versions: string | null;
  status: AffectedStatus;
  status_detail: string | null;
  severity: string | null;
}
function toAffected(r: RawAffected): AffectedRow {
  return {
    vulnId: r.vuln_id,
    source: r.source,
    feed: r.feed,
    ecosystem: r.ecosystem,
    namespace: r.namespace,
    package: r.package,
    ranges: decodeRanges(r.shape, r.fixed, r.ranges),
    versions: r.versions ? (JSON.parse(r.versions) as string[]) : [],
    status: r.status,
    statusDetail: r.status_detail ?? undefined,
    severity: r.severity ?? undefined,
    simpleFixed: (r.shape === 'E' || r.shape === 'S') && !r.versions ? (r.fixed ?? null) : undefined,
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
  url: string | null;
}
function toVuln(r: RawVuln): VulnRow {
  return {
    id: r.id,
    source: r.source,
    feed: r.feed,
    aliases: JSON.parse(r.aliases) as string[],
    summary: r.summary ?? undefined,
    published: r.published ?? undefined,
    modified: r.modified ?? undefined,
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
