/**
 * `bulwark db update`: imports every source into a NEW database file next to the current one
 * (`vuln.db.tmp-<pid>`), seals it, and renames it over `vuln.db`. Readers keep the file they opened;
 * a crash, a kill or an error before the rename leaves the current database untouched (stale temp
 * files are removed by the next update). Each source imports in its own transaction: a source that
 * fails is rolled back and reported, its rows from the previous database are carried over, and the
 * other sources still import. If no source could be imported at all, nothing is swapped.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { DbWriter, type SourceRow } from './store.js';
import { readDocs } from './feeds/input.js';
import { DEFAULT_SOURCES, importDoc } from './feeds/index.js';
import { download } from './fetch.js';
import { dbDir } from './paths.js';

export { DEFAULT_SOURCES };

export interface SourceOutcome {
  name: string;
  feeds: string[];
  ok: boolean;
  notModified?: boolean;
  carriedOver?: boolean;
  error?: string;
  records: number;
  stats: Record<string, number>;
  ms: number;
}

export interface UpdateOptions {
  cacheDir?: string;
  sources?: string[];
  /** called with one line of progress text (the CLI shows it on a TTY) */
  progress?: (line: string) => void;
  fetchImpl?: typeof fetch;
  /** test hook: called after each source is imported (used to simulate a crash mid-update) */
  afterSource?: (name: string) => void;
}

export interface UpdateResult {
  path: string;
  swapped: boolean;
  sources: SourceOutcome[];
  ms: number;
  bytes: number;
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

function acquireLock(dir: string): () => void {
  const lock = join(dir, 'update.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new UserError(`another 'bulwark db update' (pid ${pid}) is running on ${dir}`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new UserError(`cannot lock ${dir} for update`);
}

/** Removes temp databases and partial downloads left by killed updates. */
function removeStale(dir: string): void {
  for (const n of readdirSync(dir)) {
    const m = /^vuln\.db\.tmp-(\d+)$/.exec(n);
    if (m && (Number(m[1]) === process.pid || !pidAlive(Number(m[1])))) rmSync(join(dir, n), { force: true });
  }
}

export async function updateDb(opts: UpdateOptions = {}): Promise<UpdateResult> {
  const t0 = Date.now();
  const dir = dbDir(opts.cacheDir);
  mkdirSync(dir, { recursive: true });
  const release = acquireLock(dir);
  const finalPath = join(dir, 'vuln.db');
  const tmpPath = join(dir, `vuln.db.tmp-${process.pid}`);
  const sources = opts.sources?.length ? opts.sources : [...DEFAULT_SOURCES];
  const outcomes: SourceOutcome[] = [];
  let writer: DbWriter | undefined;
  try {
    removeStale(dir);
    writer = new DbWriter(tmpPath);
    for (const src of sources) {
      const name = isUrl(src) ? src : resolve(src);
      const t1 = Date.now();
      const stats: Record<string, number> = {};
      const feeds = new Set<string>();
      let dataDate: string | undefined;
      let etag: string | undefined;
      let lastModified: string | undefined;
      let notModified = false;
      let docs = 0;
      try {
        let path = name;
        if (isUrl(src)) {
          opts.progress?.(`${src}: downloading`);
          const dl = await download(src, join(dir, 'downloads'), {
            fetchImpl: opts.fetchImpl,
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
          const records = stats.vulns ?? stats.kev ?? stats.scores ?? 0;
          writer.recordSource({
            name, feed: [...feeds].join(','), location: src, importedAt: new Date().toISOString(), dataDate, etag, lastModified,
            records, stats, carriedOver: false,
          } satisfies SourceRow);
          writer.db.exec('COMMIT');
        } catch (e) {
          if (writer.db.inTransaction) writer.db.exec('ROLLBACK');
          throw e;
        }
        outcomes.push({ name, feeds: [...feeds], ok: true, notModified, records: stats.vulns ?? stats.kev ?? stats.scores ?? 0, stats, ms: Date.now() - t1 });
        opts.afterSource?.(name);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const carried = writer.carryOver(finalPath, name);
        outcomes.push({ name, feeds: [...feeds], ok: false, error: msg, carriedOver: carried, records: 0, stats, ms: Date.now() - t1 });
        opts.progress?.(`${src}: FAILED: ${msg}${carried ? ' (previous data kept)' : ''}`);
      }
    }
    if (!outcomes.some((o) => o.ok || o.carriedOver)) {
      writer.abort();
      rmSync(tmpPath, { force: true });
      return { path: finalPath, swapped: false, sources: outcomes, ms: Date.now() - t0, bytes: 0 };
    }
    writer.finish();
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
    return { path: finalPath, swapped: true, sources: outcomes, ms: Date.now() - t0, bytes: statSync(finalPath).size };
  } catch (e) {
    writer?.abort();
    rmSync(tmpPath, { force: true });
    throw e;
  } finally {
    release();
  }
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}
