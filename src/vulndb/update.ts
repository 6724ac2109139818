/**
 * `bulwark db update`: imports sources into a NEW database file next to the current one
 * (`vuln.db.tmp-<pid>`), seals it, and renames it over `vuln.db`. Readers keep the file they opened;
 * a crash, a kill or an error before the rename leaves the current database untouched, and the next
 * update removes what a killed one left (its temp file and journal, partial downloads, its lock).
 *
 * Which sources the new database holds:
 * - every source of this update (the official feed URLs when none is given), each imported in its own
 *   transaction: a source that fails is rolled back and reported, and its rows from the previous database are
 *   carried over;
 * - every OTHER source the previous database holds is kept as it was (carried over), so adding one feed with
 *   `--source X` never drops the rest; `replace: true` (`--replace`) builds from this update's sources alone
 *   and reports each source it dropped.
 * Nothing is swapped when no source imported.
 *
 * The result says, per source, whether it was added, replaced (with its previous record count), kept,
 * dropped or failed, and carries the change set against the previous database (`ChangeSet`, for
 * notifications: which advisories were added, removed or modified and which packages they name).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { DbWriter, type ChangeSet, type SourceRow } from './store.js';
import { readDocs } from './feeds/input.js';
import { DEFAULT_SOURCES, importDoc } from './feeds/index.js';
import { download, NetworkError } from './fetch.js';
import { dbDir } from './paths.js';

export { DEFAULT_SOURCES };

export type SourceAction = 'added' | 'replaced' | 'kept' | 'dropped' | 'failed';

export interface SourceOutcome {
  name: string;
  feeds: string[];
  ok: boolean;
  /**
   * added: new to the database; replaced: imported again (`before` = its previous record count);
   * kept: not part of this update, carried over unchanged; dropped: removed by `replace`;
   * failed: could not be imported (`carriedOver` when its previous rows were kept)
   */
  action: SourceAction;
  before?: number;
  notModified?: boolean;
  carriedOver?: boolean;
  error?: string;
  /** set for network failures (no route, no name, refused, timed out): the host that could not be reached */
  unreachableHost?: string;
  records: number;
  stats: Record<string, number>;
  ms: number;
}

export interface UpdateOptions {
  cacheDir?: string;
  sources?: string[];
  /** build from `sources` alone, dropping every other source the current database holds */
  replace?: boolean;
  /** connect, header and progress timeout of each download, in ms (see fetch.ts); default 30 s */
  timeoutMs?: number;
  /** called with one line of progress text (the CLI shows it on a TTY only) */
  progress?: (line: string) => void;
  /** test hook: called after each source is imported (used to simulate a crash mid-update) */
  afterSource?: (name: string) => void;
}

export interface UpdateResult {
  path: string;
  swapped: boolean;
  sources: SourceOutcome[];
  ms: number;
  bytes: number;
  /** what the new database changes against the one it replaced (undefined when nothing was swapped) */
  changes?: ChangeSet;
  /** set when a previous database existed but could not be read (another schema): its sources could not be kept */
  previousUnreadable?: boolean;
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start time of a process (clock ticks since boot, /proc/PID/stat field 22), to tell a reused PID apart. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Is the process that wrote `pid start` still that same process? */
function holderAlive(pid: number, start: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !pidAlive(pid)) return false;
  if (start === undefined) return true;
  const now = startTime(pid);
  return now === undefined || now === start;
}

function acquireLock(dir: string): () => void {
  const lock = join(dir, 'update.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid} ${startTime(process.pid) ?? ''}`.trim());
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let text = '';
      try {
        text = readFileSync(lock, 'utf8').trim();
      } catch {
        continue; // removed meanwhile
      }
      const [p, start] = text.split(/\s+/);
      const pid = Number(p);
      if (holderAlive(pid, start)) throw new UserError(`another 'bulwark db update' (pid ${pid}) is running on ${dir}`);
      rmSync(lock, { force: true });
    }
  }
  throw new UserError(`cannot lock ${dir} for update`);
}

/** Removes what killed updates left: temp databases with their journals, partial downloads. */
function removeStale(dir: string): string[] {
  const removed: string[] = [];
  const dead = (pid: number) => pid === process.pid || !pidAlive(pid);
  for (const n of readdirSync(dir)) {
    const m = /^vuln\.db\.tmp-(\d+)(?:-journal|-wal|-shm)?$/.exec(n);
    if (m && dead(Number(m[1]))) {
      rmSync(join(dir, n), { force: true });
      removed.push(n);
    }
  }
  const dl = join(dir, 'downloads');
  if (existsSync(dl)) {
    for (const n of readdirSync(dl)) {
      const m = /\.part-(\d+)$/.exec(n);
      if (m && dead(Number(m[1]))) {
        rmSync(join(dl, n), { force: true });
        removed.push(`downloads/${n}`);
      }
    }
  }
  return removed;
}

function sourceRecords(stats: Record<string, number>): number {
  return stats.vulns ?? stats.kev ?? stats.ratings ?? 0;
}

export async function updateDb(opts: UpdateOptions = {}): Promise<UpdateResult> {
  const t0 = Date.now();
  const dir = dbDir(opts.cacheDir);
  mkdirSync(dir, { recursive: true });
  const release = acquireLock(dir);
  const finalPath = join(dir, 'vuln.db');
  const tmpPath = join(dir, `vuln.db.tmp-${process.pid}`);
  const requested = opts.sources?.length ? opts.sources : [...DEFAULT_SOURCES];
  const outcomes: SourceOutcome[] = [];
  let writer: DbWriter | undefined;
  try {
    const cleaned = removeStale(dir);
    if (cleaned.length) opts.progress?.(`removed what an interrupted update left: ${cleaned.join(', ')}`);
    const previous = new Map(DbWriter.sourcesOf(finalPath).map((s) => [s.name, s]));
    const previousUnreadable = existsSync(finalPath) && previous.size === 0 && !isEmptyDb(finalPath);
    writer = new DbWriter(tmpPath);
    const names = new Set<string>();
    for (const src of requested) {
      const name = isUrl(src) ? src : resolve(src);
      if (names.has(name)) continue;
      names.add(name);
      const t1 = Date.now();
      const stats: Record<string, number> = {};
      const feeds = new Set<string>();
      const before = previous.get(name);
      let dataDate: string | undefined;
      let etag: string | undefined;
      let lastModified: string | undefined;
      let notModified = false;
      let docs = 0;
      try {
        let path = name;
        if (isUrl(src)) {
          opts.progress?.(`${src}: connecting`);
          const dl = await download(src, join(dir, 'downloads'), {
            timeoutMs: opts.timeoutMs,
            progress: (n, total) => opts.progress?.(`${src}: ${mb(n)}${total ? ` / ${mb(total)}` : ''}`),
          });
          path = dl.path;
          etag = dl.meta.etag;
          lastModified = dl.meta.lastModified;
          notModified = dl.notModified;
          if (notModified) opts.progress?.(`${src}: not modified (cached copy)`);
        }
        writer.db.exec('BEGIN');
        const sink = writer.sink(name, stats);
        try {
          for await (const doc of readDocs(path)) {
            const r = importDoc(doc.data, sink);
            if (r.feed) feeds.add(r.feed);
            if (r.dataDate && (!dataDate || r.dataDate > dataDate)) dataDate = r.dataDate;
            if (++docs % 2000 === 0) opts.progress?.(`${src}: ${docs} documents`);
          }
          if (!feeds.size) throw new Error(`no vulnerability feed recognised in ${src} (${docs} JSON document(s) read)`);
          writer.recordSource({
            name, feed: [...feeds].join(','), location: src, importedAt: new Date().toISOString(), dataDate, etag, lastModified,
            records: sourceRecords(stats), stats, carriedOver: false,
          } satisfies SourceRow);
          writer.db.exec('COMMIT');
        } catch (e) {
          if (writer.db.inTransaction) writer.db.exec('ROLLBACK');
          throw e;
        }
        outcomes.push({
          name, feeds: [...feeds], ok: true, action: before ? 'replaced' : 'added', ...(before ? { before: before.records } : {}),
          notModified, records: sourceRecords(stats), stats, ms: Date.now() - t1,
        });
        opts.afterSource?.(name);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const carried = writer.carryOver(finalPath, name, { error: msg });
        outcomes.push({
          name, feeds: carried ? carried.feed.split(',') : [...feeds], ok: false, action: 'failed', error: msg, carriedOver: Boolean(carried),
          ...(e instanceof NetworkError ? { unreachableHost: e.host } : {}),
          records: carried?.records ?? 0, stats, ms: Date.now() - t1,
        });
        opts.progress?.(`${src}: FAILED: ${msg}${carried ? ' (previous data kept)' : ''}`);
      }
    }
    // the previous database's other sources: kept unless this update replaces the whole set
    for (const [name, row] of previous) {
      if (names.has(name)) continue;
      if (opts.replace) {
        outcomes.push({ name, feeds: row.feed.split(','), ok: true, action: 'dropped', before: row.records, records: 0, stats: {}, ms: 0 });
        continue;
      }
      const kept = writer.carryOver(finalPath, name, { error: row.error });
      outcomes.push({ name, feeds: row.feed.split(','), ok: true, action: 'kept', carriedOver: Boolean(kept), records: row.records, stats: row.stats, ms: 0 });
    }
    const imported = outcomes.some((o) => o.action === 'added' || o.action === 'replaced');
    const dropped = outcomes.some((o) => o.action === 'dropped');
    if (!imported && !dropped) {
      writer.abort();
      rmSync(tmpPath, { force: true });
      return { path: finalPath, swapped: false, sources: outcomes, ms: Date.now() - t0, bytes: 0, ...(previousUnreadable ? { previousUnreadable } : {}) };
    }
    const changes = writer.finish(finalPath);
    const fd = openSync(tmpPath, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmpPath, finalPath);
    try {
      const dfd = openSync(dir, 'r');
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      /* directory fsync is best effort */
    }
    return {
      path: finalPath, swapped: true, sources: outcomes, ms: Date.now() - t0, bytes: statSync(finalPath).size, changes,
      ...(previousUnreadable ? { previousUnreadable } : {}),
    };
  } catch (e) {
    writer?.abort();
    rmSync(tmpPath, { force: true });
    throw e;
  } finally {
    release();
  }
}

/** A zero-length file (an interrupted first creation) is no database to keep sources from. */
function isEmptyDb(path: string): boolean {
  try {
    return statSync(path).size === 0;
  } catch {
    return true;
  }
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}
