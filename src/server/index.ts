/**
 * `bulwark serve`: the HTTP service (fastify 4). It wires the pieces together:
 *
 *   routes (./routes.ts) -> app use cases (indexImage in a task process, indexSbom, imageVulnerabilities)
 *   ServiceStore (SQLite embedded, or PostgreSQL shared by several servers) -> index queue, verdicts, notifications
 *   VulnDatabase (the open vulnerability DB, reports cached per database generation)
 *   IndexWorker, DbUpdater, Notifier, Deliverer (background loops), Metrics, Authenticator
 *
 * startServer() returns once it listens; close() stops the loops, the task processes and the store.
 */
import type { RegistryOptions } from '../sources/registry.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BulwarkConfig } from '../core/config.js';
import type { Severity } from '../core/finding.js';
import { cacheRoot } from '../image/cache.js';
import { dbPath } from '../vulndb/index.js';
import { Authenticator } from './auth.js';
import { Deliverer } from './deliver.js';
import { Metrics } from './metrics.js';
import { Baseline, Notifier } from './notify.js';
import { allowRoots } from './refs.js';
import { registerRoutes, type ServerContext } from './routes.js';
import { PgDb } from './store/sql.js';
import { ServiceStore } from './store/index.js';
import { TaskPool } from './tasks.js';
import { DbUpdater } from './updater.js';
import { VulnDatabase } from './vulns.js';
import { IndexWorker } from './worker.js';

export interface ServeOptions {
  /** HOST:PORT (default 127.0.0.1:8080; port 0 picks a free one) */
  listen?: string;
  cacheDir?: string;
  /** postgres://... or a SQLite file (default <cache>/server/service.db) */
  database?: string;
  allowPaths?: string[];
  tokensFile?: string;
  jwtKeyFile?: string;
  jwtIssuers?: string[];
  publicReads?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  /** refresh the vulnerability database this often (ms; 0 never) */
  updateIntervalMs?: number;
  dbSources?: string[];
  notifySeverity?: Severity;
  webhooks?: Array<{ url: string; secret: string; minSeverity?: Severity }>;
  /** index jobs run at once by this process */
  workers?: number;
  maxBodyBytes?: number;
  maxUploadBytes?: number;
  /** requests per second per client (token or address); 0 disables */
  rateLimit?: number;
  jobTimeoutMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  delivery?: { maxAttempts?: number; backoffMs?: number; maxBackoffMs?: number; timeoutMs?: number };
  /** serve these static files at / (the dashboard) */
  dashboardDir?: string;
  /** .bulwark.yaml in force for image checks */
  config?: BulwarkConfig;
  /** docker:NAME references (the server's engine) accepted; default true */
  allowDocker?: boolean;
  /** registry references: trust (--ca-cert, --insecure-registry) and timeouts, as `bulwark image` takes them */
  registry?: RegistryOptions;
  /** log one JSON line per event to stderr */
  log?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  node: string;
  app: FastifyInstance;
  /** wait for background work in flight (tests) */
  settle(): Promise<void>;
  close(): Promise<void>;
}

function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(s);
  if (!m) throw new Error(`--listen takes HOST:PORT, got '${s}'`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`--listen: port ${port} is out of range`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

const NOTIFIER_LOCK = 4242002;

export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const root = cacheRoot(opts.cacheDir);
  const serverDir = join(root, 'server');
  const uploads = join(serverDir, 'uploads');
  mkdirSync(uploads, { recursive: true });
  const node = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = opts.log
    ? (msg: string, extra: Record<string, unknown> = {}) => process.stderr.write(JSON.stringify({ time: new Date().toISOString(), node, msg, ...extra }) + '\n')
    : () => undefined;
  const { host, port } = parseListen(opts.listen ?? '127.0.0.1:8080');
  const roots = allowRoots(opts.allowPaths ?? []);
  const auth = new Authenticator({ tokensFile: opts.tokensFile, jwtKeyFile: opts.jwtKeyFile, jwtIssuers: opts.jwtIssuers, publicReads: opts.publicReads });
  const tls = opts.tlsCert || opts.tlsKey ? { cert: readFileSync(opts.tlsCert ?? ''), key: readFileSync(opts.tlsKey ?? '') } : undefined;
  if ((opts.tlsCert && !opts.tlsKey) || (!opts.tlsCert && opts.tlsKey)) throw new Error('--tls-cert and --tls-key go together');

  const store = await ServiceStore.open(opts.database ?? join(serverDir, 'service.db'));
  const embedded = store.dialect === 'sqlite';
  // uploads of a previous run of this cache dir that no queued job names any more
  if (embedded) {
    const live = new Set((await store.db.all<{ ref: string }>(`SELECT ref FROM jobs WHERE kind = 'upload' AND state IN ('queued', 'running')`)).map((r) => r.ref));
    for (const f of readdirSync(uploads)) if (!live.has(join(uploads, f))) rmSync(join(uploads, f), { force: true });
    await store.requeueRunning();
  }
  let release: (() => Promise<void>) | undefined;
  let notifier = embedded;
  const tryLead = async () => {
    if (notifier || !(store.db instanceof PgDb)) return;
    try {
      release = await store.db.tryAdvisoryLock(NOTIFIER_LOCK);
      notifier = Boolean(release);
      if (notifier) log('this node runs notification rounds');
    } catch (e) {
      log('notifier lock failed', { error: (e as Error).message });
    }
  };
  await tryLead();
  const leadTimer = setInterval(() => void tryLead(), 30_000);
  leadTimer.unref();

  const metrics = new Metrics();
  metrics.counter('bulwark_http_requests_total', 'HTTP requests by route and status');
  metrics.histogram('bulwark_http_request_duration_seconds', 'HTTP request durations', [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]);
  metrics.counter('bulwark_jobs_total', 'index jobs by outcome (done, retried, failed)');
  metrics.histogram('bulwark_job_duration_seconds', 'index job durations', [0.1, 0.5, 1, 5, 15, 60, 300, 1800]);
  metrics.counter('bulwark_db_updates_total', 'vulnerability database updates by result');
  metrics.histogram('bulwark_db_update_seconds', 'vulnerability database update durations', [1, 10, 30, 60, 300, 1800]);
  metrics.counter('bulwark_notifications_total', 'notifications created');
  metrics.histogram('bulwark_notification_round_seconds', 'notification round durations', [0.05, 0.25, 1, 5, 30, 120]);
  metrics.counter('bulwark_webhook_deliveries_total', 'webhook delivery attempts by result (delivered, retry, dead)');
  metrics.gauge('bulwark_queue_depth', 'index jobs by state (queued, running)');
  metrics.gauge('bulwark_images', 'indexed images');
  metrics.gauge('bulwark_vulndb_age_seconds', 'age of the vulnerability database in use');
  metrics.gauge('bulwark_webhook_deliveries_pending', 'webhook deliveries waiting');
  metrics.gauge('bulwark_notifier', '1 when this node runs notification rounds');

  const vulns = new VulnDatabase(dbPath(root));
  vulns.current();
  metrics.collect(async () => {
    const q = await store.queueStats();
    const facts = vulns.facts();
    return [
      { name: 'bulwark_queue_depth', value: q.queued, labels: { state: 'queued' } },
      { name: 'bulwark_queue_depth', value: q.running, labels: { state: 'running' } },
      { name: 'bulwark_images', value: q.images },
      ...(facts ? [{ name: 'bulwark_vulndb_age_seconds', value: facts.ageSeconds }] : []),
      { name: 'bulwark_webhook_deliveries_pending', value: await store.pendingDeliveries() },
      { name: 'bulwark_notifier', value: notifier ? 1 : 0 },
    ];
  });

  const tasks = new TaskPool(Math.max(1, opts.workers ?? 1) + 1);
  const baseline = new Baseline(vulns);
  const notifierLoop = new Notifier(store, metrics, { node, minSeverity: opts.notifySeverity ?? 'medium', perDelivery: 500, log });
  const deliverer = new Deliverer(store, metrics, {
    maxAttempts: opts.delivery?.maxAttempts ?? 8,
    backoffMs: opts.delivery?.backoffMs ?? 2000,
    maxBackoffMs: opts.delivery?.maxBackoffMs ?? 3_600_000,
    timeoutMs: opts.delivery?.timeoutMs ?? 10_000,
    log,
  });
  const worker = new IndexWorker(store, tasks, baseline, metrics, {
    node,
    cacheDir: root,
    concurrency: Math.max(1, opts.workers ?? 1),
    leaseMs: opts.leaseMs ?? 60_000,
    jobTimeoutMs: opts.jobTimeoutMs ?? 30 * 60_000,
    allowRoots: roots,
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.registry ? { registry: opts.registry } : {}),
    log,
  });
  const updater = new DbUpdater(store, vulns, tasks, notifierLoop, metrics, {
    node,
    cacheDir: root,
    ...(opts.dbSources?.length ? { sources: opts.dbSources } : {}),
    timeoutMs: 2 * 3_600_000,
    isNotifier: () => notifier,
    log,
    onDeliveries: () => deliverer.poke(),
  });
  for (const w of opts.webhooks ?? []) await store.ensureWebhook(w);

  const app = Fastify({
    logger: false,
    bodyLimit: opts.maxBodyBytes ?? 32 * 1024 * 1024,
    ...(tls ? { https: tls } : {}),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    return503OnClosing: true,
    requestTimeout: 15 * 60_000,
    keepAliveTimeout: 10_000,
    maxParamLength: 256,
    disableRequestLogging: true,
  }) as unknown as FastifyInstance;

  const ctx: ServerContext = {
    node,
    store,
    vulns,
    auth,
    metrics,
    worker,
    updater,
    baseline,
    roots,
    uploadsDir: uploads,
    tmpDir: root,
    maxUploadBytes: opts.maxUploadBytes ?? 4 * 1024 * 1024 * 1024,
    maxAttempts: opts.maxAttempts ?? 3,
    rateLimit: opts.rateLimit ?? 50,
    allowDocker: opts.allowDocker !== false,
    ...(opts.registry ? { registry: opts.registry } : {}),
    dashboardDir: opts.dashboardDir,
    isNotifier: () => notifier,
    log,
  };
  registerRoutes(app, ctx);

  await updater.recover(embedded);
  worker.start();
  deliverer.start();
  updater.schedule(opts.updateIntervalMs ?? 0);

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(leadTimer);
    await app.close().catch(() => undefined);
    const stopping = [worker.stop(), deliverer.stop(), updater.stop()];
    await tasks.close();
    await Promise.allSettled(stopping);
    vulns.close();
    await release?.().catch(() => undefined);
    await store.close();
  };
  try {
    await app.listen({ host, port });
  } catch (e) {
    await close();
    throw e;
  }
  const addr = app.server.address();
  const boundPort = typeof addr === 'object' && addr ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${boundPort}`,
    port: boundPort,
    node,
    app,
    settle: () => updater.settle(),
    close,
  };
}
