/**
 * Columns each schema version added to an existing database (ALTER TABLE ... ADD COLUMN, both engines; a column
 * already there is left alone: a table the store is older than is created whole by schemaSql).
 */
export const MIGRATIONS: Record<number, Array<{ table: string; column: string; type: string }>> = {
  2: [
    { table: 'images', column: 'inventory_os', type: 'TEXT' },
    { table: 'image_keys', column: 'packages', type: 'TEXT' },
  ],
  // verdict details move to verdict_details (one row per matched package and advisory, shared by the images
  // holding it); rows written before keep their detail inline (dkey NULL) until a round rewrites them
  3: [{ table: 'image_vulns', column: 'dkey', type: 'TEXT' }],
  // the severity beside the detail: a round tells a package whose verdicts kept their severities from its
  // details alone (rows from schema 3 have none: their packages are compared image by image once)
  4: [{ table: 'verdict_details', column: 'severity', type: 'TEXT' }],
};

/** Indexes on columns a migration adds: created after the migrations (schemaSql runs before them). */
export const LATE_INDEXES = ['CREATE INDEX IF NOT EXISTS image_vulns_detail ON image_vulns (dkey, vuln_id)'];

/**
 * The service schema, the same tables on SQLite and PostgreSQL. Times are milliseconds since the epoch
 * (BIGINT), JSON documents are TEXT, booleans are INTEGER 0/1. Only the auto-numbered sequence columns differ.
 *
 *  images         one row per indexed digest; `index_json` (the ImageIndex) is written in the same transaction
 *                 that sets state = 'indexed', so a half-written report is never visible
 *  jobs           the index queue (queued -> running (leased) -> done | failed); an expired lease is re-claimed
 *  image_keys     digest -> the vulnerability-database keys its packages are matched under, with those packages
 *                 (their match identities, JSON): a notification round reads only the rows of the changed keys
 *                 (images.inventory_os is the inventory's OS, the other half of what matching needs)
 *  image_vulns    the last vulnerability verdicts per image (the baseline a database update is compared to):
 *                 advisory, package, severity and `dkey`, the key of the matched package (its inventory OS and
 *                 match identity) under which verdict_details keeps the detail; `detail` is '' then (a row from
 *                 schema 2 has its detail inline and dkey NULL)
 *  verdict_details  (dkey, advisory) -> the verdict's severity and detail (JSON), one row for every image
 *                 holding that package: a database update that only changes details (a fixed version, a score)
 *                 rewrites these rows, not one row per image, and a round reads from them which packages'
 *                 verdicts kept their severities (their images' rows are then left alone)
 *  db_updates     database refreshes and their notification round
 *  notifications  one row per (image, vulnerability, package, change) at or above the configured severity
 *  webhooks       receivers; deliveries: one signed POST each, retried with backoff, dead-lettered after N
 */
export const SCHEMA_VERSION = 4;

export function schemaSql(dialect: 'sqlite' | 'postgres'): string {
  const seq = dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY';
  return `
CREATE TABLE IF NOT EXISTS service_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images (
  digest TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  ref TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  job TEXT NOT NULL,
  os TEXT,
  packages INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at BIGINT NOT NULL,
  indexed_at BIGINT,
  index_json TEXT,
  inventory_os TEXT
);
CREATE INDEX IF NOT EXISTS images_name ON images (name);
CREATE INDEX IF NOT EXISTS images_created ON images (created_at, digest);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  digest TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  pinned_node TEXT,
  node TEXT,
  lease_until BIGINT,
  error TEXT,
  stats TEXT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (state, created_at);
CREATE INDEX IF NOT EXISTS jobs_digest ON jobs (digest);
CREATE TABLE IF NOT EXISTS image_keys (
  key TEXT NOT NULL,
  digest TEXT NOT NULL,
  packages TEXT,
  PRIMARY KEY (key, digest)
);
CREATE INDEX IF NOT EXISTS image_keys_digest ON image_keys (digest);
CREATE TABLE IF NOT EXISTS image_vulns (
  digest TEXT NOT NULL,
  vuln_id TEXT NOT NULL,
  package TEXT NOT NULL,
  severity TEXT NOT NULL,
  detail TEXT NOT NULL,
  dkey TEXT,
  PRIMARY KEY (digest, vuln_id, package)
);
CREATE TABLE IF NOT EXISTS verdict_details (
  dkey TEXT NOT NULL,
  vuln_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  severity TEXT,
  PRIMARY KEY (dkey, vuln_id)
);
CREATE TABLE IF NOT EXISTS db_updates (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  origin TEXT NOT NULL,
  node TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  db_built_at TEXT,
  changed_vulns INTEGER,
  affected_images INTEGER,
  notifications INTEGER,
  error TEXT,
  detail TEXT
);
CREATE TABLE IF NOT EXISTS notifications (
  seq ${seq},
  id TEXT NOT NULL UNIQUE,
  update_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  image TEXT NOT NULL,
  reason TEXT NOT NULL,
  vuln_id TEXT NOT NULL,
  package TEXT NOT NULL,
  severity TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  acknowledged_at BIGINT
);
CREATE INDEX IF NOT EXISTS notifications_ack ON notifications (acknowledged_at, seq);
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  min_severity TEXT,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  webhook TEXT NOT NULL,
  update_id TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  lease_until BIGINT,
  last_status INTEGER,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);
`;
}
