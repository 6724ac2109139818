/**
 * One small SQL surface over the two engines the service runs on: better-sqlite3 (embedded, WAL) and
 * PostgreSQL (`pg`). Statements are written once with `:name` placeholders; the PostgreSQL side rewrites them
 * to `$1..$n`. Values are plain: TEXT, INTEGER/BIGINT (milliseconds since the epoch for times), no JSON types.
 *
 * SQLite is synchronous and has one connection; a transaction therefore holds an async lock so a statement
 * from another request cannot land inside it between two awaits.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export type Params = Record<string, string | number | null | undefined>;

export interface SqlDb {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: Params): Promise<T[]>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  run(sql: string, params?: Params): Promise<number>;
  /** one statement run once per row of parameters (SQLite: a prepared statement in a loop, no round trips) */
  runEach(sql: string, rows: Params[]): Promise<number>;
  /** run `fn` in one transaction (serialisable enough for our statements: row locks in PostgreSQL) */
  tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T>;
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

function clean(params: Params | undefined): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(params ?? {})) out[k] = v === undefined ? null : v;
  return out;
}

/** A FIFO async lock. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => next);
    await prev;
    return release;
  }
}

/** Statements run straight on the connection (inside a transaction that holds the lock). */
class SqliteDirect implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private readonly stmts = new Map<string, Database.Statement>();
  constructor(readonly db: Database.Database) {}
  stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }
  async all<T>(sql: string, params?: Params): Promise<T[]> {
    return this.stmt(sql).all(clean(params)) as T[];
  }
  async get<T>(sql: string, params?: Params): Promise<T | undefined> {
    return this.stmt(sql).get(clean(params)) as T | undefined;
  }
  async run(sql: string, params?: Params): Promise<number> {
    return this.stmt(sql).run(clean(params)).changes;
  }
  async runEach(sql: string, rows: Params[]): Promise<number> {
    const st = this.stmt(sql);
    let n = 0;
    // rows are built by the store with every value set (null, never undefined): no per-row copy
    for (const r of rows) n += st.run(r).changes;
    return n;
  }
  async exec(script: string): Promise<void> {
    this.db.exec(script);
  }
  async tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async close(): Promise<void> {
    /* owned by SqliteDb */
  }
}

export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly mutex = new Mutex();
  private readonly direct: SqliteDirect;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // 64 MiB of page cache (the default is 2 MiB): a notification round rewrites verdicts across a large file,
    // and a small cache spills and re-reads pages through the kernel for every batch
    this.db.pragma('cache_size = -65536');
    this.direct = new SqliteDirect(this.db);
  }

  /** Wait for a running transaction (it holds the connection), then run. */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.mutex.lock();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  all<T>(sql: string, params?: Params): Promise<T[]> {
    return this.locked(() => this.direct.all<T>(sql, params));
  }
  get<T>(sql: string, params?: Params): Promise<T | undefined> {
    return this.locked(() => this.direct.get<T>(sql, params));
  }
  run(sql: string, params?: Params): Promise<number> {
    return this.locked(() => this.direct.run(sql, params));
  }
  runEach(sql: string, rows: Params[]): Promise<number> {
    return this.locked(() => this.direct.runEach(sql, rows));
  }
  exec(script: string): Promise<void> {
    return this.locked(() => this.direct.exec(script));
  }

  tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    return this.locked(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const r = await fn(this.direct);
        this.db.exec('COMMIT');
        return r;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    const release = await this.mutex.lock();
    try {
      this.db.close();
    } finally {
      release();
    }
  }
}

/** `:name` placeholders -> `$n` (names may repeat; `::` casts are left alone). */
export function toPositional(sql: string, params: Params | undefined): { text: string; values: Array<string | number | null> } {
  const order: string[] = [];
  const values: Array<string | number | null> = [];
  const p = clean(params);
  const text = sql.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_m, name: string) => {
    let i = order.indexOf(name);
    if (i < 0) {
      if (!(name in p)) throw new Error(`missing SQL parameter :${name}`);
      order.push(name);
      values.push(p[name]!);
      i = order.length - 1;
    }
    return `$${i + 1}`;
  });
  return { text, values };
}

type Queryable = Pick<pg.PoolClient, 'query'>;

class PgQueries implements SqlDb {
  readonly dialect = 'postgres' as const;
  constructor(protected readonly q: Queryable) {}
  async all<T>(sql: string, params?: Params): Promise<T[]> {
    const { text, values } = toPositional(sql, params);
    return (await this.q.query(text, values)).rows as T[];
  }
  async get<T>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params?: Params): Promise<number> {
    const { text, values } = toPositional(sql, params);
    return (await this.q.query(text, values)).rowCount ?? 0;
  }
  async runEach(sql: string, rows: Params[]): Promise<number> {
    let n = 0;
    for (const r of rows) n += await this.run(sql, r);
    return n;
  }
  async exec(script: string): Promise<void> {
    await this.q.query(script);
  }
  async tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    return fn(this); // already inside one (PgDb.tx hands this class a client in a transaction)
  }
  async close(): Promise<void> {
    /* the pool owns the connection */
  }
}

export class PgDb extends PgQueries {
  private readonly pool: pg.Pool;

  constructor(url: string, opts: { max?: number } = {}) {
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        // BIGINT (20) and NUMERIC counts as numbers: our values are milliseconds and counters
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
    };
    const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 8, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000, statement_timeout: 60_000, types } as pg.PoolConfig);
    super(pool);
    this.pool = pool;
    // an idle client losing its connection must not crash the process; the next query reconnects
    this.pool.on('error', () => undefined);
  }

  override async tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const r = await fn(new PgQueries(client));
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      client.release();
    }
  }

  /** A session-level advisory lock on its own connection, held until `release` (the notifier's leadership). */
  async tryAdvisoryLock(key: number): Promise<(() => Promise<void>) | undefined> {
    const client = await this.pool.connect();
    try {
      const r = await client.query('SELECT pg_try_advisory_lock($1) AS ok', [key]);
      if (!r.rows[0]?.ok) {
        client.release();
        return undefined;
      }
    } catch (e) {
      client.release();
      throw e;
    }
    return async () => {
      try {
        await client.query('SELECT pg_advisory_unlock($1)', [key]);
      } finally {
        client.release();
      }
    };
  }

  override async close(): Promise<void> {
    await this.pool.end();
  }
}
