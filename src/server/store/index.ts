/**
 * The service's storage interface, one implementation over SqlDb: embedded SQLite (default, under the cache
 * dir) or PostgreSQL (`--database postgres://...`, shared by several `bulwark serve` processes that split the
 * index queue with `FOR UPDATE SKIP LOCKED`).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ImageIndex } from '../../app/image.js';
import { PgDb, SqliteDb, type SqlDb } from './sql.js';
import { LATE_INDEXES, MIGRATIONS, SCHEMA_VERSION, schemaSql } from './schema.js';
import type { KeyedIdentities } from '../changes.js';

export type ImageState = 'pending' | 'indexed' | 'failed';
export type JobState = 'queued' | 'running' | 'done' | 'failed';
/** how an image came in: a reference the server reads, an uploaded archive, an SBOM, an index made by a client */
export type SubmissionKind = 'ref' | 'upload' | 'sbom' | 'index';

export interface JobRecord {
  id: string;
  digest: string;
  kind: SubmissionKind;
  ref: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  pinnedNode?: string;
  node?: string;
  leaseUntil?: number;
  error?: string;
  stats?: Record<string, unknown>;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}

export interface ImageRecord {
  digest: string;
  name: string;
  ref: string;
  kind: SubmissionKind;
  state: ImageState;
  job: string;
  os?: string;
  packages: number;
  error?: string;
  createdAt: number;
  indexedAt?: number;
}

/** One vulnerability verdict kept per image: the baseline the next database update is compared with. */
export interface VulnVerdict {
  vulnId: string;
  /** `ecosystem/name@version` */
  package: string;
  severity: string;
  detail: Record<string, unknown>;
  /** the key of the matched package (inventory OS and match identity) its detail is kept under, shared by every image holding it */
  dkey?: string;
}

/** A verdict as stored: its detail still JSON text, '' when it is kept in verdict_details under `dkey`. */
export interface StoredVerdict {
  vulnId: string;
  package: string;
  severity: string;
  detail: string;
  dkey: string | null;
}

/** A verdict's detail as verdict_details keeps it, with the verdict's severity (null: a row from schema 3). */
export interface VerdictDetail {
  dkey: string;
  vulnId: string;
  detail: string;
  severity: string | null;
}

/** A row of verdict_details as read: its detail only when asked for. */
export type StoredDetail = Omit<VerdictDetail, 'detail'> & { detail?: string };

export interface NotificationRecord {
  seq: number;
  id: string;
  updateId: string;
  digest: string;
  image: string;
  reason: 'added' | 'removed';
  vulnId: string;
  package: string;
  severity: string;
  body: Record<string, unknown>;
  createdAt: number;
  acknowledgedAt?: number;
}

export interface WebhookRecord {
  id: string;
  url: string;
  secret: string;
  minSeverity?: string;
  createdAt: number;
}

export interface DeliveryRecord {
  id: string;
  webhook: string;
  updateId: string;
  body: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAt: number;
  lastStatus?: number;
  lastError?: string;
  createdAt: number;
  deliveredAt?: number;
}

export interface DbUpdateRecord {
  id: string;
  state: 'running' | 'done' | 'failed';
  origin: string;
  node: string;
  startedAt: number;
  finishedAt?: number;
  dbBuiltAt?: string;
  changedVulns?: number;
  affectedImages?: number;
  notifications?: number;
  error?: string;
  detail?: Record<string, unknown>;
}

/** What an index job leaves: the index, the keys its packages are matched under, the first verdicts. */
export interface IndexOutcome {
  index: ImageIndex;
  /** the image's keys, each with the match identities of its packages under it */
  keys: KeyedIdentities[];
  verdicts: VulnVerdict[];
  stats?: Record<string, unknown>;
}

type Row = Record<string, unknown>;

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const json = <T>(v: unknown): T | undefined => (typeof v === 'string' ? (JSON.parse(v) as T) : undefined);

function jobOf(r: Row): JobRecord {
  return {
    id: String(r.id),
    digest: String(r.digest),
    kind: r.kind as SubmissionKind,
    ref: String(r.ref),
    state: r.state as JobState,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    pinnedNode: str(r.pinned_node),
    node: str(r.node),
    leaseUntil: num(r.lease_until),
    error: str(r.error),
    stats: json(r.stats),
    createdAt: Number(r.created_at),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
  };
}

function imageOf(r: Row): ImageRecord {
  return {
    digest: String(r.digest),
    name: String(r.name),
    ref: String(r.ref),
    kind: r.kind as SubmissionKind,
    state: r.state as ImageState,
    job: String(r.job),
    os: str(r.os),
    packages: Number(r.packages),
    error: str(r.error),
    createdAt: Number(r.created_at),
    indexedAt: num(r.indexed_at),
  };
}

function notificationOf(r: Row): NotificationRecord {
  return {
    seq: Number(r.seq),
    id: String(r.id),
    updateId: String(r.update_id),
    digest: String(r.digest),
    image: String(r.image),
    reason: r.reason as 'added' | 'removed',
    vulnId: String(r.vuln_id),
    package: String(r.package),
    severity: String(r.severity),
    body: json<Record<string, unknown>>(r.body) ?? {},
    createdAt: Number(r.created_at),
    acknowledgedAt: num(r.acknowledged_at),
  };
}

function deliveryOf(r: Row): DeliveryRecord {
  return {
    id: String(r.id),
    webhook: String(r.webhook),
    updateId: String(r.update_id),
    body: String(r.body),
    state: r.state as DeliveryRecord['state'],
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
    lastStatus: num(r.last_status),
    lastError: str(r.last_error),
    createdAt: Number(r.created_at),
    deliveredAt: num(r.delivered_at),
  };
}

function updateOf(r: Row): DbUpdateRecord {
  return {
    id: String(r.id),
    state: r.state as DbUpdateRecord['state'],
    origin: String(r.origin),
    node: String(r.node),
    startedAt: Number(r.started_at),
    finishedAt: num(r.finished_at),
    dbBuiltAt: str(r.db_built_at),
    changedVulns: num(r.changed_vulns),
    affectedImages: num(r.affected_images),
    notifications: num(r.notifications),
    error: str(r.error),
    detail: json(r.detail),
  };
}

/** Split a list into chunks for `IN (...)` lists bound as one JSON parameter. */
function chunks<T>(a: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
  return out;
}

export class ServiceStore {
  private constructor(
    readonly db: SqlDb,
    readonly location: string,
  ) {}

  get dialect(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  /** `postgres://...` or `postgresql://...` -> PostgreSQL; anything else is a SQLite file path. */
  static async open(location: string): Promise<ServiceStore> {
    let db: SqlDb;
    if (/^postgres(ql)?:\/\//i.test(location)) {
      db = new PgDb(location);
    } else {
      mkdirSync(dirname(location), { recursive: true });
      db = new SqliteDb(location);
    }
    const store = new ServiceStore(db, /^postgres/i.test(location) ? location.replace(/\/\/[^@/]*@/, '//***@') : location);
    try {
      await store.migrate();
    } catch (e) {
      await db.close().catch(() => undefined);
      throw e;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.db.tx(async (t) => {
      // two processes starting on one PostgreSQL at once: one creates the tables, the other waits
      if (t.dialect === 'postgres') await t.exec('SELECT pg_advisory_xact_lock(4242001)');
      await t.exec(schemaSql(t.dialect));
      const v = await t.get<{ value: string }>("SELECT value FROM service_meta WHERE key = 'schema_version'");
      if (!v) await t.run("INSERT INTO service_meta (key, value) VALUES ('schema_version', :v)", { v: String(SCHEMA_VERSION) });
      else if (Number(v.value) > SCHEMA_VERSION) throw new Error(`the service database has schema ${v.value}, newer than this Bulwark (${SCHEMA_VERSION})`);
      else if (Number(v.value) < SCHEMA_VERSION) {
        // columns added since: older rows keep NULL there, and the readers fall back to the stored index
        for (let n = Number(v.value) + 1; n <= SCHEMA_VERSION; n++) {
          for (const m of MIGRATIONS[n] ?? []) if (!(await this.hasColumn(t, m.table, m.column))) await t.exec(`ALTER TABLE ${m.table} ADD COLUMN ${m.column} ${m.type}`);
        }
        await t.run("UPDATE service_meta SET value = :v WHERE key = 'schema_version'", { v: String(SCHEMA_VERSION) });
      }
      for (const sql of LATE_INDEXES) await t.exec(sql);
    });
  }

  private async hasColumn(t: SqlDb, table: string, column: string): Promise<boolean> {
    if (t.dialect === 'sqlite') return (await t.all<{ name: string }>(`PRAGMA table_info(${table})`)).some((c) => c.name === column);
    return Boolean(await t.get('SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = :t AND column_name = :c', { t: table, c: column }));
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** PostgreSQL: a SELECT of the named fields from a JSON array of objects in `:list` (text unless `types` says). */
  private recordSet(fields: string[], types: Record<string, string> = {}): string {
    return `SELECT ${fields.join(', ')} FROM json_to_recordset(CAST(:list AS json)) AS x(${fields.map((f) => `${f} ${types[f] ?? 'text'}`).join(', ')})`;
  }

  /** `SELECT value FROM` the JSON array in parameter `:param` (default `:list`): one statement, any length. */
  private inList(t: SqlDb, param = 'list'): string {
    return t.dialect === 'sqlite' ? `SELECT value FROM json_each(:${param})` : `SELECT value FROM json_array_elements_text(CAST(:${param} AS json)) AS j(value)`;
  }

  // ---------------------------------------------------------------------------------------------
  // submissions and the index queue

  /**
   * Register a digest for indexing: idempotent per digest. An image already pending or indexed returns its
   * existing job; a failed one is queued again. `created` says whether a new job was queued.
   */
  async submit(req: { digest: string; name: string; ref: string; kind: SubmissionKind; pinnedNode?: string; maxAttempts: number }): Promise<{ image: ImageRecord; job: JobRecord; created: boolean }> {
    return this.db.tx(async (t) => {
      const now = Date.now();
      const jobId = randomUUID();
      const inserted = await t.run(
        `INSERT INTO images (digest, name, ref, kind, state, job, packages, created_at) VALUES (:digest, :name, :ref, :kind, 'pending', :job, 0, :now)
         ON CONFLICT (digest) DO NOTHING`,
        { digest: req.digest, name: req.name, ref: req.ref, kind: req.kind, job: jobId, now },
      );
      if (!inserted) {
        const lock = t.dialect === 'postgres' ? ' FOR UPDATE' : '';
        const img = imageOf((await t.get<Row>(`SELECT * FROM images WHERE digest = :digest${lock}`, { digest: req.digest }))!);
        // an image a client described (SBOM, client-made index) is read again when the server can read it itself
        const replace = img.state === 'failed' || ((img.kind === 'sbom' || img.kind === 'index') && (req.kind === 'ref' || req.kind === 'upload'));
        if (!replace) {
          const job = await t.get<Row>('SELECT * FROM jobs WHERE id = :id', { id: img.job });
          return { image: img, job: jobOf(job!), created: false };
        }
        await t.run(`UPDATE images SET state = 'pending', job = :job, name = :name, ref = :ref, kind = :kind, error = NULL WHERE digest = :digest`, {
          job: jobId, name: req.name, ref: req.ref, kind: req.kind, digest: req.digest,
        });
      }
      await t.run(
        `INSERT INTO jobs (id, digest, kind, ref, state, attempts, max_attempts, pinned_node, created_at) VALUES (:id, :digest, :kind, :ref, 'queued', 0, :max, :pinned, :now)`,
        { id: jobId, digest: req.digest, kind: req.kind, ref: req.ref, max: req.maxAttempts, pinned: req.pinnedNode ?? null, now },
      );
      const image = imageOf((await t.get<Row>('SELECT * FROM images WHERE digest = :digest', { digest: req.digest }))!);
      const job = jobOf((await t.get<Row>('SELECT * FROM jobs WHERE id = :id', { id: jobId }))!);
      return { image, job, created: true };
    });
  }

  /**
   * Claim the oldest runnable job: queued, or running with an expired lease (its worker died). Several
   * processes on one PostgreSQL never claim the same row (`FOR UPDATE SKIP LOCKED`).
   */
  async claimJob(node: string, leaseMs: number): Promise<JobRecord | undefined> {
    const now = Date.now();
    const skip = this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const row = await this.db.tx(async (t) =>
      t.get<Row>(
        `UPDATE jobs SET state = 'running', node = :node, lease_until = :lease, attempts = attempts + 1, started_at = :now, error = NULL
         WHERE id = (SELECT id FROM jobs
                     WHERE (state = 'queued' OR (state = 'running' AND lease_until < :now))
                       AND (pinned_node IS NULL OR pinned_node = :node)
                     ORDER BY created_at LIMIT 1${skip})
         RETURNING *`,
        { node, lease: now + leaseMs, now },
      ),
    );
    return row ? jobOf(row) : undefined;
  }

  /** Extend a running job's lease; false when this node no longer holds it. */
  async renewLease(jobId: string, node: string, leaseMs: number): Promise<boolean> {
    return (await this.db.run(`UPDATE jobs SET lease_until = :lease WHERE id = :id AND node = :node AND state = 'running'`, { lease: Date.now() + leaseMs, id: jobId, node })) > 0;
  }

  /** A process that owns its store alone (SQLite) re-queues the jobs a previous run left running. */
  async requeueRunning(): Promise<number> {
    return this.db.run(`UPDATE jobs SET state = 'queued', node = NULL, lease_until = NULL WHERE state = 'running'`);
  }

  /**
   * Finish a job: the index, its keys and verdicts and the 'indexed' state in one transaction. False (and
   * nothing written) when the job is no longer this node's (its lease expired and another node took it).
   */
  async completeJob(jobId: string, node: string, out: IndexOutcome): Promise<boolean> {
    return this.db.tx(async (t) => {
      const now = Date.now();
      const ok = await t.run(
        `UPDATE jobs SET state = 'done', finished_at = :now, lease_until = NULL, stats = :stats WHERE id = :id AND node = :node AND state = 'running'`,
        { now, stats: out.stats ? JSON.stringify(out.stats) : null, id: jobId, node },
      );
      if (!ok) return false;
      await this.writeIndex(t, out, jobId, now);
      return true;
    });
  }

  private async writeIndex(t: SqlDb, out: IndexOutcome, jobId: string, now: number): Promise<void> {
    const digest = out.index.digest;
    const os = out.index.summary.os ?? null;
    await t.run(
      `UPDATE images SET state = 'indexed', index_json = :index, indexed_at = :now, os = :os, packages = :packages, error = NULL, inventory_os = :invOs WHERE digest = :digest AND job = :job`,
      { index: JSON.stringify(out.index), now, os, packages: out.index.inventory.packages.length, digest, job: jobId, invOs: JSON.stringify(out.index.inventory.os ?? null) },
    );
    await t.run('DELETE FROM image_keys WHERE digest = :digest', { digest });
    await t.run('DELETE FROM image_vulns WHERE digest = :digest', { digest });
    const keys = out.keys.map((k) => ({ k: k.key, d: digest, p: JSON.stringify(k.packages) }));
    await this.insertRows(t, 'image_keys', ['key', 'digest', 'packages'], ['k', 'd', 'p'], keys, 'ON CONFLICT DO NOTHING');
    await this.insertVerdicts(t, digest, out.verdicts);
  }

  /**
   * Insert verdicts in batches: one statement per few hundred rows, whatever the engine. A verdict with a dkey
   * has its detail kept in verdict_details (a row there already, written by a round or another image, stays:
   * rounds keep those rows current).
   */
  private async insertVerdicts(t: SqlDb, digest: string, verdicts: VulnVerdict[]): Promise<void> {
    const rows = verdicts.map((v) => ({ d: digest, v: v.vulnId, p: v.package, s: v.severity, x: v.dkey ? '' : JSON.stringify(v.detail), k: v.dkey ?? null }));
    const details = new Map<string, Record<string, string>>();
    for (const v of verdicts) if (v.dkey) details.set(`${v.dkey} ${v.vulnId}`, { k: v.dkey, v: v.vulnId, x: JSON.stringify(v.detail), s: v.severity });
    await this.insertRows(t, 'verdict_details', ['dkey', 'vuln_id', 'detail', 'severity'], ['k', 'v', 'x', 's'], [...details.values()], 'ON CONFLICT (dkey, vuln_id) DO NOTHING');
    await this.insertRows(t, 'image_vulns', ['digest', 'vuln_id', 'package', 'severity', 'detail', 'dkey'], ['d', 'v', 'p', 's', 'x', 'k'], rows, 'ON CONFLICT (digest, vuln_id, package) DO NOTHING');
  }

  /** Details of these (dkey, advisory) pairs that no image's verdict names any more. */
  private async dropUnusedDetails(t: SqlDb, pairs: Array<{ dkey: string; vulnId: string }>): Promise<void> {
    const unused = 'NOT EXISTS (SELECT 1 FROM image_vulns i WHERE i.dkey = verdict_details.dkey AND i.vuln_id = verdict_details.vuln_id)';
    const rows = pairs.map((p) => ({ k: p.dkey, v: p.vulnId }));
    if (t.dialect === 'sqlite') await t.runEach(`DELETE FROM verdict_details WHERE dkey = :k AND vuln_id = :v AND ${unused}`, rows);
    else for (const part of chunks(rows, 400)) await t.run(`DELETE FROM verdict_details WHERE (dkey, vuln_id) IN (${this.recordSet(['k', 'v'])}) AND ${unused}`, { list: JSON.stringify(part) });
  }

  /**
   * Insert many rows: on SQLite one prepared statement per row (no JSON to decode, no round trip), on
   * PostgreSQL INSERT ... SELECT from a JSON array of objects, a few hundred rows per statement (values text or
   * as `types` names them).
   */
  private async insertRows(t: SqlDb, table: string, columns: string[], fields: string[], rows: Array<Record<string, string | number | null>>, tail = '', types: Record<string, string> = {}): Promise<number> {
    if (t.dialect === 'sqlite') return t.runEach(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${fields.map((f) => `:${f}`).join(', ')}) ${tail}`, rows);
    let n = 0;
    for (const part of chunks(rows, 400)) {
      n += await t.run(`INSERT INTO ${table} (${columns.join(', ')}) ${this.recordSet(fields, types)} ${tail}`, { list: JSON.stringify(part) });
    }
    return n;
  }

  /** Store an image indexed outside the queue (an SBOM, a client's index): image, job and index at once. */
  async storeIndexed(req: { name: string; ref: string; kind: SubmissionKind }, out: IndexOutcome): Promise<{ image: ImageRecord; job: JobRecord; created: boolean }> {
    return this.db.tx(async (t) => {
      const now = Date.now();
      const digest = out.index.digest;
      const existing = await t.get<Row>(`SELECT * FROM images WHERE digest = :digest${t.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, { digest });
      if (existing && existing.state !== 'failed') {
        const img = imageOf(existing);
        return { image: img, job: jobOf((await t.get<Row>('SELECT * FROM jobs WHERE id = :id', { id: img.job }))!), created: false };
      }
      const jobId = randomUUID();
      await t.run(
        `INSERT INTO jobs (id, digest, kind, ref, state, attempts, max_attempts, node, created_at, started_at, finished_at, stats) VALUES (:id, :digest, :kind, :ref, 'done', 1, 1, NULL, :now, :now, :now, :stats)`,
        { id: jobId, digest, kind: req.kind, ref: req.ref, now, stats: out.stats ? JSON.stringify(out.stats) : null },
      );
      if (existing) await t.run(`UPDATE images SET job = :job, kind = :kind, ref = :ref WHERE digest = :digest`, { job: jobId, kind: req.kind, ref: req.ref, digest });
      else
        await t.run(`INSERT INTO images (digest, name, ref, kind, state, job, packages, created_at) VALUES (:digest, :name, :ref, :kind, 'pending', :job, 0, :now)`, {
          digest, name: req.name, ref: req.ref, kind: req.kind, job: jobId, now,
        });
      await this.writeIndex(t, out, jobId, now);
      return {
        image: imageOf((await t.get<Row>('SELECT * FROM images WHERE digest = :digest', { digest }))!),
        job: jobOf((await t.get<Row>('SELECT * FROM jobs WHERE id = :id', { id: jobId }))!),
        created: true,
      };
    });
  }

  /**
   * A failed attempt: queued again while attempts remain and the error is transient, else failed (and the
   * image with it). Only the node holding the job may fail it.
   */
  async failJob(jobId: string, node: string, error: string, permanent: boolean): Promise<JobState | undefined> {
    return this.db.tx(async (t) => {
      const row = await t.get<Row>(`SELECT * FROM jobs WHERE id = :id AND node = :node AND state = 'running'`, { id: jobId, node });
      if (!row) return undefined;
      const job = jobOf(row);
      const now = Date.now();
      if (!permanent && job.attempts < job.maxAttempts) {
        await t.run(`UPDATE jobs SET state = 'queued', node = NULL, lease_until = NULL, error = :error WHERE id = :id`, { error, id: jobId });
        return 'queued';
      }
      await t.run(`UPDATE jobs SET state = 'failed', lease_until = NULL, error = :error, finished_at = :now WHERE id = :id`, { error, now, id: jobId });
      await t.run(`UPDATE images SET state = 'failed', error = :error WHERE digest = :digest AND job = :id`, { error, digest: job.digest, id: jobId });
      return 'failed';
    });
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const r = await this.db.get<Row>('SELECT * FROM jobs WHERE id = :id', { id });
    return r ? jobOf(r) : undefined;
  }

  async jobsOf(digest: string): Promise<JobRecord[]> {
    return (await this.db.all<Row>('SELECT * FROM jobs WHERE digest = :digest ORDER BY created_at', { digest })).map(jobOf);
  }

  async getImage(digest: string): Promise<ImageRecord | undefined> {
    const r = await this.db.get<Row>('SELECT digest, name, ref, kind, state, job, os, packages, error, created_at, indexed_at FROM images WHERE digest = :digest', { digest });
    return r ? imageOf(r) : undefined;
  }

  /** The stored index of an indexed image (never a partial one: it is written with the 'indexed' state). */
  async getIndex(digest: string): Promise<ImageIndex | undefined> {
    const r = await this.db.get<{ index_json: string | null }>(`SELECT index_json FROM images WHERE digest = :digest AND state = 'indexed'`, { digest });
    return r?.index_json ? (JSON.parse(r.index_json) as ImageIndex) : undefined;
  }

  /** Images, newest first, filtered by name substring and state; `after` is the cursor of the previous page. */
  async listImages(q: { name?: string; state?: ImageState; os?: string; limit: number; after?: { createdAt: number; digest: string } }): Promise<{ images: ImageRecord[]; next?: { createdAt: number; digest: string } }> {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: q.limit + 1 };
    if (q.name) {
      where.push(`name LIKE :name ESCAPE '\\'`);
      params.name = `%${q.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    if (q.state) {
      where.push('state = :state');
      params.state = q.state;
    }
    if (q.os) {
      where.push('os = :os');
      params.os = q.os;
    }
    if (q.after) {
      where.push('(created_at < :ac OR (created_at = :ac AND digest < :ad))');
      params.ac = q.after.createdAt;
      params.ad = q.after.digest;
    }
    const rows = await this.db.all<Row>(
      `SELECT digest, name, ref, kind, state, job, os, packages, error, created_at, indexed_at FROM images ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, digest DESC LIMIT :limit`,
      params,
    );
    const images = rows.slice(0, q.limit).map(imageOf);
    const last = images[images.length - 1];
    return { images, ...(rows.length > q.limit && last ? { next: { createdAt: last.createdAt, digest: last.digest } } : {}) };
  }

  /** Remove an image with its keys, verdicts and jobs; its notifications stay (they are history). */
  async deleteImage(digest: string): Promise<boolean> {
    return this.db.tx(async (t) => {
      const n = await t.run('DELETE FROM images WHERE digest = :digest', { digest });
      await t.run('DELETE FROM image_keys WHERE digest = :digest', { digest });
      const pairs = await t.all<{ dkey: string; vuln_id: string }>('SELECT dkey, vuln_id FROM image_vulns WHERE digest = :digest AND dkey IS NOT NULL', { digest });
      await t.run('DELETE FROM image_vulns WHERE digest = :digest', { digest });
      await this.dropUnusedDetails(t, pairs.map((p) => ({ dkey: p.dkey, vulnId: p.vuln_id })));
      await t.run(`DELETE FROM jobs WHERE digest = :digest AND state <> 'running'`, { digest });
      return n > 0;
    });
  }

  async queueStats(): Promise<{ queued: number; running: number; failed: number; done: number; images: number }> {
    const rows = await this.db.all<{ state: string; n: number }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state');
    const img = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM images WHERE state = 'indexed'`);
    const by = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    return { queued: by.queued ?? 0, running: by.running ?? 0, failed: by.failed ?? 0, done: by.done ?? 0, images: Number(img?.n ?? 0) };
  }

  // ---------------------------------------------------------------------------------------------
  // notifications

  /** The (digest, key, packages) rows of these keys: the packages a change set names, image by image. */
  async keyedPackages(keys: string[]): Promise<Array<{ digest: string; key: string; packages: string | null }>> {
    const out: Array<{ digest: string; key: string; packages: string | null }> = [];
    for (const part of chunks(keys, 2000)) {
      out.push(...(await this.db.all<{ digest: string; key: string; packages: string | null }>(`SELECT digest, key, packages FROM image_keys WHERE key IN (${this.inList(this.db)})`, { list: JSON.stringify(part) })));
    }
    return out;
  }

  /** Name and inventory OS (JSON text; null for images indexed before it was recorded) of indexed images. */
  async matchFacts(digests: string[]): Promise<Map<string, { name: string; os: string | null }>> {
    const out = new Map<string, { name: string; os: string | null }>();
    for (const part of chunks(digests, 500)) {
      const rows = await this.db.all<{ digest: string; name: string; inventory_os: string | null }>(
        `SELECT digest, name, inventory_os FROM images WHERE state = 'indexed' AND digest IN (${this.inList(this.db)})`,
        { list: JSON.stringify(part) },
      );
      for (const r of rows) out.set(r.digest, { name: r.name, os: r.inventory_os });
    }
    return out;
  }

  /**
   * The stored verdicts of these images, only of these packages when given. `detail` as the row holds it: ''
   * for a detail kept in verdict_details (`withDetails` reads it from there).
   */
  async storedVerdicts(digests: string[], packages?: string[], withDetails = false): Promise<Map<string, StoredVerdict[]>> {
    const out = new Map<string, StoredVerdict[]>();
    const pkgList = packages ? JSON.stringify(packages) : undefined;
    const sql = withDetails
      ? 'SELECT v.digest, v.vuln_id, v.package, v.severity, COALESCE(d.detail, v.detail) AS detail, v.dkey FROM image_vulns v LEFT JOIN verdict_details d ON d.dkey = v.dkey AND d.vuln_id = v.vuln_id'
      : 'SELECT v.digest, v.vuln_id, v.package, v.severity, v.detail, v.dkey FROM image_vulns v';
    for (const part of chunks(digests, 250)) {
      const rows = await this.db.all<{ digest: string; vuln_id: string; package: string; severity: string; detail: string; dkey: string | null }>(
        `${sql} WHERE v.digest IN (${this.inList(this.db)})${pkgList ? ` AND v.package IN (${this.inList(this.db, 'pkgs')})` : ''}`,
        { list: JSON.stringify(part), ...(pkgList ? { pkgs: pkgList } : {}) },
      );
      for (const r of rows) {
        let list = out.get(r.digest);
        if (!list) out.set(r.digest, (list = []));
        list.push({ vulnId: r.vuln_id, package: r.package, severity: r.severity, detail: r.detail, dkey: r.dkey });
      }
    }
    return out;
  }

  /** The stored verdicts of many images at once, with their details. */
  async verdictsOf(digests: string[]): Promise<Map<string, VulnVerdict[]>> {
    const stored = await this.storedVerdicts(digests, undefined, true);
    return new Map([...stored].map(([d, vs]) => [d, vs.map((v) => ({ vulnId: v.vulnId, package: v.package, severity: v.severity, detail: json<Record<string, unknown>>(v.detail) ?? {}, ...(v.dkey ? { dkey: v.dkey } : {}) }))]));
  }

  /** Those of these images that have verdicts stored with their detail inline (from schema 2, no dkey). */
  async inlineVerdictImages(digests: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    // (the (dkey, vuln_id) index finds the dkey NULL rows)
    const rows = await this.db.all<{ digest: string }>('SELECT DISTINCT digest FROM image_vulns WHERE dkey IS NULL');
    const want = new Set(digests);
    for (const r of rows) if (want.has(r.digest)) out.add(r.digest);
    return out;
  }

  /** The verdict details kept under these dkeys (every advisory of each): severities, and the details when `text`. */
  async detailsUnder(dkeys: string[], text = false): Promise<StoredDetail[]> {
    const out: StoredDetail[] = [];
    for (const part of chunks(dkeys, 2000)) {
      const rows = await this.db.all<{ dkey: string; vuln_id: string; detail?: string; severity: string | null }>(
        `SELECT dkey, vuln_id, severity${text ? ', detail' : ''} FROM verdict_details WHERE dkey IN (${this.inList(this.db)})`,
        { list: JSON.stringify(part) },
      );
      for (const r of rows) out.push({ dkey: r.dkey, vulnId: r.vuln_id, severity: r.severity, ...(text ? { detail: r.detail } : {}) });
    }
    return out;
  }

  /** The stored indexes of many images at once (indexed ones only). */
  async indexesOf(digests: string[]): Promise<Map<string, ImageIndex>> {
    const out = new Map<string, ImageIndex>();
    for (const part of chunks(digests, 200)) {
      const rows = await this.db.all<{ digest: string; index_json: string }>(
        `SELECT digest, index_json FROM images WHERE state = 'indexed' AND digest IN (${this.inList(this.db)})`,
        { list: JSON.stringify(part) },
      );
      for (const r of rows) out.set(r.digest, JSON.parse(r.index_json) as ImageIndex);
    }
    return out;
  }

  /**
   * One notification round, atomically: replace the verdicts of the re-matched packages of each image, add the
   * notifications, one delivery per webhook (and page), and close the update.
   */
  async recordRound(round: {
    updateId: string;
    /** verdicts new or changed (upserted), and gone (deleted) */
    verdicts: { upserts: Array<StoredVerdict & { digest: string }>; deletes: Array<{ digest: string; vulnId: string; package: string }> };
    /**
     * the verdict details the round found (written where new or different; how many is returned and recorded as
     * the summary's detailsWritten), and those it no longer found (dropped unless a verdict still names them)
     */
    details: { upserts: VerdictDetail[]; gone: Array<{ dkey: string; vulnId: string }> };
    notifications: Array<Omit<NotificationRecord, 'seq' | 'acknowledgedAt'>>;
    deliveries: Array<{ id: string; webhook: string; body: string }>;
    /** the database these verdicts are from: the next round's change set must start here */
    notifiedBuiltAt: string;
    summary: { changedVulns: number; affectedImages: number; dbBuiltAt?: string; detail?: Record<string, unknown> };
  }): Promise<{ detailsWritten: number }> {
    return this.db.tx(async (t) => {
      const gone = round.verdicts.deletes.map((d) => ({ d: d.digest, v: d.vulnId, p: d.package }));
      if (t.dialect === 'sqlite') await t.runEach('DELETE FROM image_vulns WHERE digest = :d AND vuln_id = :v AND package = :p', gone);
      else for (const part of chunks(gone, 400)) await t.run(`DELETE FROM image_vulns WHERE (digest, vuln_id, package) IN (${this.recordSet(['d', 'v', 'p'])})`, { list: JSON.stringify(part) });
      await this.insertRows(
        t,
        'image_vulns',
        ['digest', 'vuln_id', 'package', 'severity', 'detail', 'dkey'],
        ['d', 'v', 'p', 's', 'x', 'k'],
        round.verdicts.upserts.map((v) => ({ d: v.digest, v: v.vulnId, p: v.package, s: v.severity, x: v.detail, k: v.dkey })),
        'ON CONFLICT (digest, vuln_id, package) DO UPDATE SET severity = excluded.severity, detail = excluded.detail, dkey = excluded.dkey',
      );
      // (the engine compares: a detail that did not change is not rewritten, and is not counted)
      const detailsWritten = await this.insertRows(
        t,
        'verdict_details',
        ['dkey', 'vuln_id', 'detail', 'severity'],
        ['k', 'v', 'x', 's'],
        round.details.upserts.map((d) => ({ k: d.dkey, v: d.vulnId, x: d.detail, s: d.severity })),
        `ON CONFLICT (dkey, vuln_id) DO UPDATE SET detail = excluded.detail, severity = excluded.severity
         WHERE verdict_details.detail <> excluded.detail OR verdict_details.severity ${t.dialect === 'sqlite' ? 'IS NOT' : 'IS DISTINCT FROM'} excluded.severity`,
      );
      await this.dropUnusedDetails(t, round.details.gone);
      await this.insertRows(
        t,
        'notifications',
        ['id', 'update_id', 'digest', 'image', 'reason', 'vuln_id', 'package', 'severity', 'body', 'created_at'],
        ['i', 'u', 'd', 'm', 'r', 'v', 'p', 's', 'b', 'c'],
        round.notifications.map((n) => ({ i: n.id, u: n.updateId, d: n.digest, m: n.image, r: n.reason, v: n.vulnId, p: n.package, s: n.severity, b: JSON.stringify(n.body), c: n.createdAt })),
        '',
        { c: 'bigint' },
      );
      const now = Date.now();
      await this.insertRows(
        t,
        'deliveries',
        ['id', 'webhook', 'update_id', 'body', 'state', 'attempts', 'next_at', 'created_at'],
        ['i', 'w', 'u', 'b', 's', 'a', 'n', 'c'],
        round.deliveries.map((d) => ({ i: d.id, w: d.webhook, u: round.updateId, b: d.body, s: 'pending', a: 0, n: now, c: now })),
        '',
        { a: 'integer', n: 'bigint', c: 'bigint' },
      );
      await t.run(
        `UPDATE db_updates SET state = 'done', finished_at = :now, changed_vulns = :cv, affected_images = :ai, notifications = :n, db_built_at = :built, detail = :detail WHERE id = :id`,
        {
          now, cv: round.summary.changedVulns, ai: round.summary.affectedImages, n: round.notifications.length, built: round.summary.dbBuiltAt ?? null,
          detail: round.summary.detail ? JSON.stringify({ ...round.summary.detail, detailsWritten }) : null, id: round.updateId,
        },
      );
      await t.run(`INSERT INTO service_meta (key, value) VALUES ('notified_db_built_at', :v) ON CONFLICT (key) DO UPDATE SET value = :v`, { v: round.notifiedBuiltAt });
      return { detailsWritten };
    });
  }

  async listNotifications(q: { after?: number; limit: number; unacknowledged?: boolean; digest?: string }): Promise<{ notifications: NotificationRecord[]; next?: number }> {
    const where = ['seq > :after'];
    const params: Record<string, string | number> = { after: q.after ?? 0, limit: q.limit + 1 };
    if (q.unacknowledged) where.push('acknowledged_at IS NULL');
    if (q.digest) {
      where.push('digest = :digest');
      params.digest = q.digest;
    }
    const rows = await this.db.all<Row>(`SELECT * FROM notifications WHERE ${where.join(' AND ')} ORDER BY seq LIMIT :limit`, params);
    const list = rows.slice(0, q.limit).map(notificationOf);
    return { notifications: list, ...(rows.length > q.limit && list.length ? { next: list[list.length - 1]!.seq } : {}) };
  }

  async acknowledge(ids: string[]): Promise<number> {
    let n = 0;
    for (const part of chunks(ids, 500)) {
      n += await this.db.run(`UPDATE notifications SET acknowledged_at = :now WHERE acknowledged_at IS NULL AND id IN (${this.inList(this.db)})`, { now: Date.now(), list: JSON.stringify(part) });
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // webhooks and deliveries

  async addWebhook(w: { url: string; secret: string; minSeverity?: string }): Promise<WebhookRecord> {
    const rec: WebhookRecord = { id: randomUUID(), url: w.url, secret: w.secret, ...(w.minSeverity ? { minSeverity: w.minSeverity } : {}), createdAt: Date.now() };
    await this.db.run('INSERT INTO webhooks (id, url, secret, min_severity, created_at) VALUES (:id, :url, :secret, :min, :now)', {
      id: rec.id, url: rec.url, secret: rec.secret, min: rec.minSeverity ?? null, now: rec.createdAt,
    });
    return rec;
  }

  /** Make sure a configured webhook (from flags or the config file) exists once, by URL. */
  async ensureWebhook(w: { url: string; secret: string; minSeverity?: string }): Promise<WebhookRecord> {
    return this.db.tx(async (t) => {
      const r = await t.get<Row>('SELECT * FROM webhooks WHERE url = :url', { url: w.url });
      if (r) {
        await t.run('UPDATE webhooks SET secret = :secret, min_severity = :min WHERE id = :id', { secret: w.secret, min: w.minSeverity ?? null, id: String(r.id) });
        return { id: String(r.id), url: w.url, secret: w.secret, ...(w.minSeverity ? { minSeverity: w.minSeverity } : {}), createdAt: Number(r.created_at) };
      }
      const rec: WebhookRecord = { id: randomUUID(), url: w.url, secret: w.secret, ...(w.minSeverity ? { minSeverity: w.minSeverity } : {}), createdAt: Date.now() };
      await t.run('INSERT INTO webhooks (id, url, secret, min_severity, created_at) VALUES (:id, :url, :secret, :min, :now)', {
        id: rec.id, url: rec.url, secret: rec.secret, min: rec.minSeverity ?? null, now: rec.createdAt,
      });
      return rec;
    });
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    return (await this.db.all<Row>('SELECT * FROM webhooks ORDER BY created_at')).map((r) => ({
      id: String(r.id), url: String(r.url), secret: String(r.secret), ...(r.min_severity ? { minSeverity: String(r.min_severity) } : {}), createdAt: Number(r.created_at),
    }));
  }

  async deleteWebhook(id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM webhooks WHERE id = :id', { id })) > 0;
  }

  /** Claim one due delivery (lease so a crashed sender's delivery is retried, never lost). */
  async claimDelivery(leaseMs: number): Promise<DeliveryRecord | undefined> {
    const now = Date.now();
    const skip = this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const row = await this.db.tx((t) =>
      t.get<Row>(
        `UPDATE deliveries SET lease_until = :lease, attempts = attempts + 1
         WHERE id = (SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= :now AND (lease_until IS NULL OR lease_until < :now)
                     ORDER BY next_at LIMIT 1${skip})
         RETURNING *`,
        { lease: now + leaseMs, now },
      ),
    );
    return row ? deliveryOf(row) : undefined;
  }

  async deliveryDone(id: string, status: number): Promise<void> {
    await this.db.run(`UPDATE deliveries SET state = 'delivered', delivered_at = :now, last_status = :status, last_error = NULL, lease_until = NULL WHERE id = :id`, { now: Date.now(), status, id });
  }

  /** A failed attempt: retried at `nextAt`, or dead-lettered. */
  async deliveryFailed(id: string, err: { status?: number; error: string }, nextAt: number | undefined): Promise<void> {
    await this.db.run(
      `UPDATE deliveries SET state = :state, next_at = :next, last_status = :status, last_error = :error, lease_until = NULL WHERE id = :id`,
      { state: nextAt === undefined ? 'dead' : 'pending', next: nextAt ?? Date.now(), status: err.status ?? null, error: err.error.slice(0, 500), id },
    );
  }

  async listDeliveries(q: { state?: string; limit: number }): Promise<DeliveryRecord[]> {
    const rows = q.state
      ? await this.db.all<Row>('SELECT * FROM deliveries WHERE state = :state ORDER BY created_at DESC LIMIT :limit', { state: q.state, limit: q.limit })
      : await this.db.all<Row>('SELECT * FROM deliveries ORDER BY created_at DESC LIMIT :limit', { limit: q.limit });
    return rows.map(deliveryOf);
  }

  async getWebhook(id: string): Promise<WebhookRecord | undefined> {
    const r = await this.db.get<Row>('SELECT * FROM webhooks WHERE id = :id', { id });
    return r ? { id: String(r.id), url: String(r.url), secret: String(r.secret), ...(r.min_severity ? { minSeverity: String(r.min_severity) } : {}), createdAt: Number(r.created_at) } : undefined;
  }

  async pendingDeliveries(): Promise<number> {
    return Number((await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM deliveries WHERE state = 'pending'`))?.n ?? 0);
  }

  // ---------------------------------------------------------------------------------------------
  // database updates

  async startUpdate(origin: string, node: string): Promise<DbUpdateRecord> {
    const rec: DbUpdateRecord = { id: randomUUID(), state: 'running', origin, node, startedAt: Date.now() };
    await this.db.run(`INSERT INTO db_updates (id, state, origin, node, started_at) VALUES (:id, 'running', :origin, :node, :now)`, { id: rec.id, origin, node, now: rec.startedAt });
    return rec;
  }

  async failUpdate(id: string, error: string, detail?: Record<string, unknown>): Promise<void> {
    await this.db.run(`UPDATE db_updates SET state = 'failed', finished_at = :now, error = :error, detail = :detail WHERE id = :id`, {
      now: Date.now(), error: error.slice(0, 1000), detail: detail ? JSON.stringify(detail) : null, id,
    });
  }

  /** Close an update that had no notification round on this node (another node holds the notifier role). */
  async finishUpdate(id: string, detail: Record<string, unknown>): Promise<void> {
    await this.db.run(`UPDATE db_updates SET state = 'done', finished_at = :now, notifications = 0, detail = :detail WHERE id = :id`, { now: Date.now(), detail: JSON.stringify(detail), id });
  }

  /** Updates a node left running when it died are closed as failed (the database file was never half-swapped). */
  async abandonUpdates(node: string | undefined): Promise<number> {
    return node === undefined
      ? this.db.run(`UPDATE db_updates SET state = 'failed', finished_at = :now, error = 'interrupted (the server stopped during the update)' WHERE state = 'running'`, { now: Date.now() })
      : this.db.run(`UPDATE db_updates SET state = 'failed', finished_at = :now, error = 'interrupted' WHERE state = 'running' AND node = :node`, { now: Date.now(), node });
  }

  async getUpdate(id: string): Promise<DbUpdateRecord | undefined> {
    const r = await this.db.get<Row>('SELECT * FROM db_updates WHERE id = :id', { id });
    return r ? updateOf(r) : undefined;
  }

  async listUpdates(limit: number): Promise<DbUpdateRecord[]> {
    return (await this.db.all<Row>('SELECT * FROM db_updates ORDER BY started_at DESC LIMIT :limit', { limit })).map(updateOf);
  }
}
