/**
 * The HTTP routes: each is a RouteSpec (openapi.ts: schemas, scope) plus its handler here. Cross-cutting:
 * authentication and scopes, a per-client rate limit, problem+json errors, request metrics, and the hook
 * that serves the dashboard at `/` (dashboard.ts; or the static files of --dashboard DIR).
 */
import { registryDetails, type RegistryOptions } from '../sources/registry.js';
import { formatReference } from '../registry/reference.js';
import { randomUUID } from 'node:crypto';
import { createWriteStream, realpathSync, rmSync, statSync, createReadStream } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { imageDigest, type ImageIndex } from '../app/image.js';
import { indexSbom } from '../app/sbom.js';
import { UserError } from '../core/errors.js';
import { openImage } from '../sources/index.js';
import { hasScope, type Authenticator, type Principal } from './auth.js';
import { registerDashboardPages } from './dashboard.js';
import type { Metrics } from './metrics.js';
import type { Baseline } from './notify.js';
import { openApiDocument, ROUTES, schemas, type RouteSpec } from './openapi.js';
import { HttpError, problem, PROBLEM_TYPE } from './problem.js';
import { refKind, resolvePathRef } from './refs.js';
import type { DbUpdateRecord, DeliveryRecord, ImageRecord, JobRecord, NotificationRecord, ServiceStore } from './store/index.js';
import type { DbUpdater } from './updater.js';
import { etagMatches, pickEncoding, type CachedReport, type VulnDatabase } from './vulns.js';
import type { IndexWorker } from './worker.js';

export interface ServerContext {
  node: string;
  store: ServiceStore;
  vulns: VulnDatabase;
  auth: Authenticator;
  metrics: Metrics;
  worker: IndexWorker;
  updater: DbUpdater;
  baseline: Baseline;
  roots: string[];
  uploadsDir: string;
  tmpDir: string;
  maxUploadBytes: number;
  maxAttempts: number;
  rateLimit: number;
  allowDocker: boolean;
  /** trust and timeouts for registry references (--ca-cert, --insecure-registry) */
  registry?: RegistryOptions;
  dashboardDir?: string;
  isNotifier: () => boolean;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, unknown>; Body: unknown }>;
type Handler = (req: Req, reply: FastifyReply, ctx: ServerContext) => Promise<unknown>;

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function imageJson(i: ImageRecord): Record<string, unknown> {
  return defined({ ...i, createdAt: iso(i.createdAt)!, indexedAt: iso(i.indexedAt) });
}

function jobJson(j: JobRecord): Record<string, unknown> {
  return defined({
    id: j.id, digest: j.digest, kind: j.kind, ref: j.kind === 'upload' ? 'upload' : j.ref, state: j.state, attempts: j.attempts, maxAttempts: j.maxAttempts,
    node: j.node, error: j.error, stats: j.stats, createdAt: iso(j.createdAt)!, startedAt: iso(j.startedAt), finishedAt: iso(j.finishedAt),
  });
}

function notificationJson(n: NotificationRecord): Record<string, unknown> {
  return defined({
    id: n.id, update: n.updateId, digest: n.digest, image: n.image, reason: n.reason, vulnerability: n.body,
    createdAt: iso(n.createdAt)!, acknowledgedAt: iso(n.acknowledgedAt),
  });
}

function updateJson(u: DbUpdateRecord): Record<string, unknown> {
  return defined({ ...u, startedAt: iso(u.startedAt)!, finishedAt: iso(u.finishedAt) });
}

function deliveryJson(d: DeliveryRecord): Record<string, unknown> {
  return defined({
    id: d.id, webhook: d.webhook, update: d.updateId, state: d.state, attempts: d.attempts, nextAt: iso(d.nextAt), lastStatus: d.lastStatus,
    lastError: d.lastError, createdAt: iso(d.createdAt)!, deliveredAt: iso(d.deliveredAt),
  });
}

/** Token buckets per client: `rate` requests per second, bursts of 2 x rate. */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly rate: number) {}
  take(key: string): number {
    if (!this.rate) return 0;
    const now = Date.now();
    const burst = this.rate * 2;
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    if (this.buckets.size > 10_000) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.rate);
  }
}

/** Stream a request body to a file, refusing more than `max` bytes. */
async function saveUpload(body: Readable, path: string, max: number): Promise<number> {
  let n = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > max) cb(new HttpError(413, `the upload is larger than ${max} bytes`));
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (e) {
    rmSync(path, { force: true });
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, `the upload could not be read: ${(e as Error).message}`);
  }
  if (n === 0) {
    rmSync(path, { force: true });
    throw new HttpError(400, 'the upload is empty');
  }
  return n;
}

/**
 * Open an image just enough to know its digest and name (manifest, config, layer list). A registry image is
 * keyed by the manifest of the platform that was chosen (an index holds one per platform), and `pinned` names
 * that manifest by digest: the job indexes exactly what was identified, whatever the tag points to by then and
 * whichever platform was asked for.
 */
async function identify(ref: string, ctx: ServerContext, platform?: string): Promise<{ digest: string; name: string; pinned?: string }> {
  let img;
  try {
    img = await openImage(ref, { tmpDir: ctx.tmpDir, ...(platform ? { platform } : {}), ...(ctx.registry ? { registry: ctx.registry } : {}) });
  } catch (e) {
    if (e instanceof UserError) throw new HttpError(422, e.message);
    const err = e as NodeJS.ErrnoException;
    if (err?.code && /^E[A-Z]+$/.test(err.code)) throw new HttpError(422, `cannot read the image: ${err.code}`);
    throw new HttpError(422, `cannot read the image: ${err?.message ?? String(e)}`);
  }
  try {
    const reg = registryDetails(img);
    if (reg) {
      const pinned = formatReference({ registry: reg.reference.registry, repository: reg.reference.repository, digest: reg.manifestDigest, implicitRegistry: false });
      return { digest: reg.manifestDigest, name: img.name, pinned };
    }
    return { digest: imageDigest(img), name: img.name };
  } finally {
    await img.close().catch(() => undefined);
  }
}

/** A client-made index (bulwark image --server) is checked like a saved inventory before it is stored. */
function checkClientIndex(raw: unknown): ImageIndex {
  const x = raw as ImageIndex;
  if (!Array.isArray(x.inventory?.packages) || !Array.isArray(x.summary?.layers)) throw new HttpError(400, 'index: inventory.packages and summary.layers must be arrays');
  x.inventory.packages.forEach((p, i) => {
    if (!p || typeof p.name !== 'string' || typeof p.version !== 'string' || typeof p.ecosystem !== 'string') {
      throw new HttpError(400, `index: inventory.packages[${i}] lacks name, version or ecosystem`);
    }
    p.path ??= '';
    p.purl ??= '';
  });
  x.inventory.warnings = Array.isArray(x.inventory.warnings) ? x.inventory.warnings.filter((w) => typeof w === 'string') : [];
  x.findings = Array.isArray(x.findings) ? x.findings : [];
  x.warnings = Array.isArray(x.warnings) ? x.warnings.filter((w) => typeof w === 'string') : [];
  if (typeof x.summaryText !== 'string') x.summaryText = '';
  if (typeof x.summary.name !== 'string') x.summary.name = String(x.target?.name ?? x.digest);
  return x;
}

async function submitIndexed(ctx: ServerContext, index: ImageIndex, kind: 'sbom' | 'index', reply: FastifyReply): Promise<unknown> {
  const { keys, verdicts } = ctx.baseline.of(index);
  const r = await ctx.store.storeIndexed({ name: index.summary.name, ref: index.ref, kind }, { index, keys, verdicts });
  reply.code(202);
  return { digest: r.image.digest, job: r.job.id, state: r.image.state, created: r.created };
}

async function postIndex(req: Req, reply: FastifyReply, ctx: ServerContext): Promise<unknown> {
  const ct = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/x-tar' || ct === 'application/octet-stream') {
    const file = join(ctx.uploadsDir, `${randomUUID()}.tar`);
    await saveUpload(req.body as Readable, file, ctx.maxUploadBytes);
    let id: { digest: string; name: string };
    let ref = file;
    try {
      try {
        id = await identify(file, ctx);
      } catch {
        ref = `oci:${file}`;
        id = await identify(ref, ctx);
      }
    } catch (e) {
      rmSync(file, { force: true });
      throw e;
    }
    const name = typeof req.query.name === 'string' && req.query.name ? req.query.name.slice(0, 512) : id.name;
    const r = await ctx.store.submit({ digest: id.digest, name, ref, kind: 'upload', pinnedNode: ctx.node, maxAttempts: ctx.maxAttempts });
    if (!r.created) rmSync(file, { force: true });
    else ctx.worker.poke();
    reply.code(202);
    return { digest: r.image.digest, job: r.job.id, state: r.image.state, created: r.created };
  }
  if (ct !== 'application/json') throw new HttpError(415, 'send JSON (application/json) or an image archive (application/x-tar)');
  const body = req.body as { ref?: string; sbom?: unknown; index?: unknown; name?: string; platform?: string };
  if (body.sbom !== undefined) {
    let index: ImageIndex;
    try {
      index = indexSbom(body.sbom, body.name ? { name: body.name } : {});
    } catch (e) {
      if (e instanceof UserError) throw new HttpError(422, e.message);
      throw e;
    }
    return submitIndexed(ctx, index, 'sbom', reply);
  }
  if (body.index !== undefined) return submitIndexed(ctx, checkClientIndex(body.index), 'index', reply);
  const ref = body.ref!;
  const kind = await refKind(ref);
  let resolved: string;
  if (kind === 'docker') {
    if (!ctx.allowDocker) throw new HttpError(403, 'docker: references are disabled on this server');
    resolved = ref;
  } else if (kind === 'path') {
    resolved = resolvePathRef(ref, ctx.roots);
  } else if (kind === 'remote') {
    resolved = ref;
  } else {
    throw new HttpError(400, 'unsupported reference: use docker:NAME (the server\'s engine), a registry reference (HOST/REPO[:TAG], registry:NAME, docker://NAME), or an absolute path under an allowed root');
  }
  const id = await identify(resolved, ctx, body.platform);
  const r = await ctx.store.submit({ digest: id.digest, name: body.name ?? id.name, ref: id.pinned ?? resolved, kind: 'ref', maxAttempts: ctx.maxAttempts });
  if (r.created) ctx.worker.poke();
  reply.code(202);
  return { digest: r.image.digest, job: r.job.id, state: r.image.state, created: r.created };
}

/** 404 / 202 / 422 for an image that is not indexed (yet). */
async function indexedImage(ctx: ServerContext, digest: string, reply: FastifyReply): Promise<ImageRecord | { pending: unknown }> {
  const image = await ctx.store.getImage(digest);
  if (!image) throw new HttpError(404, `no image ${digest}: submit it with POST /api/v1/index`);
  if (image.state === 'pending') {
    reply.code(202);
    return { pending: { digest, state: 'pending', job: image.job } };
  }
  if (image.state === 'failed') throw new HttpError(422, `indexing failed: ${image.error ?? 'unknown error'}`, { job: image.job });
  return image;
}

/**
 * A cached report as it is: its bytes (compressed when the client accepts br or gzip), an ETag, and 304 for
 * a matching If-None-Match. The body was checked against the VulnerabilityReport schema when it was built,
 * so nothing is serialised or validated here.
 */
async function sendReport(req: Req, reply: FastifyReply, ctx: ServerContext, digest: string, report: CachedReport): Promise<FastifyReply> {
  const coding = pickEncoding(req.headers['accept-encoding']);
  reply.header('vary', 'accept-encoding').header('cache-control', 'private, no-cache');
  if (etagMatches(req.headers['if-none-match'], report.etag)) return reply.code(304).header('etag', coding ? `${report.etag.slice(0, -1)}-${coding}"` : report.etag).send();
  reply.type('application/json; charset=utf-8');
  if (!coding) return reply.header('etag', report.etag).send(report.body);
  const bytes = await ctx.vulns.encoded(digest, report, coding);
  return reply.header('etag', `${report.etag.slice(0, -1)}-${coding}"`).header('content-encoding', coding).send(bytes);
}

function cursor(next: { createdAt: number; digest: string } | undefined): string | undefined {
  return next ? Buffer.from(`${next.createdAt}:${next.digest}`).toString('base64url') : undefined;
}

function parseCursor(s: unknown): { createdAt: number; digest: string } | undefined {
  if (typeof s !== 'string' || !s) return undefined;
  const m = /^(\d{1,16}):(sha256:[a-f0-9]{64})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!m) throw new HttpError(400, 'bad cursor');
  return { createdAt: Number(m[1]), digest: m[2]! };
}

const HANDLERS: Record<string, Handler> = {
  'POST /api/v1/index': postIndex,
  'GET /api/v1/index/:digest': async (req, reply, ctx) => {
    const image = await indexedImage(ctx, req.params.digest!, reply);
    if ('pending' in image) return image.pending;
    const index = await ctx.store.getIndex(image.digest);
    if (!index) throw new HttpError(404, `no image ${image.digest}`);
    return { digest: image.digest, image: imageJson(image), index };
  },
  'GET /api/v1/vulnerabilities/:digest': async (req, reply, ctx) => {
    const image = await indexedImage(ctx, req.params.digest!, reply);
    if ('pending' in image) return image.pending;
    if (!ctx.vulns.current()) throw new HttpError(503, 'no vulnerability database yet: POST /api/v1/db/update (admin) or start with --update-interval');
    const report = await ctx.vulns.report(image.digest, image.name, () => ctx.store.getIndex(image.digest));
    if (report === undefined) throw new HttpError(404, `no image ${image.digest}`);
    return sendReport(req, reply, ctx, image.digest, report);
  },
  'GET /api/v1/images': async (req, _reply, ctx) => {
    const q = req.query as { name?: string; state?: ImageRecord['state']; os?: string; limit: number; next?: string };
    const after = parseCursor(q.next);
    const page = await ctx.store.listImages({ name: q.name, state: q.state, os: q.os, limit: q.limit, ...(after ? { after } : {}) });
    return defined({ images: page.images.map(imageJson), next: cursor(page.next) });
  },
  'DELETE /api/v1/images/:digest': async (req, reply, ctx) => {
    if (!(await ctx.store.deleteImage(req.params.digest!))) throw new HttpError(404, `no image ${req.params.digest}`);
    ctx.vulns.forget(req.params.digest!);
    return reply.code(204).send();
  },
  'GET /api/v1/jobs/:id': async (req, _reply, ctx) => {
    const job = await ctx.store.getJob(req.params.id!);
    if (!job) throw new HttpError(404, `no job ${req.params.id}`);
    return jobJson(job);
  },
  'GET /api/v1/notifications': async (req, _reply, ctx) => {
    const q = req.query as { page_size: number; next?: string; unacknowledged?: boolean; digest?: string };
    if (q.next !== undefined && !/^\d{1,16}$/.test(q.next)) throw new HttpError(400, 'bad cursor');
    const page = await ctx.store.listNotifications({ limit: q.page_size, ...(q.next ? { after: Number(q.next) } : {}), unacknowledged: Boolean(q.unacknowledged), ...(q.digest ? { digest: q.digest } : {}) });
    return defined({ notifications: page.notifications.map(notificationJson), next: page.next !== undefined ? String(page.next) : undefined });
  },
  'POST /api/v1/notifications/ack': async (req, _reply, ctx) => ({ acknowledged: await ctx.store.acknowledge((req.body as { ids: string[] }).ids) }),
  'GET /api/v1/db': async (_req, _reply, ctx) => {
    const facts = ctx.vulns.facts();
    return defined({ database: facts, updates: (await ctx.store.listUpdates(10)).map(updateJson) });
  },
  'POST /api/v1/db/update': async (req, reply, ctx) => {
    const rec = await ctx.updater.trigger('api', (req.body as { sources?: string[] } | undefined)?.sources);
    reply.code(202);
    return updateJson(rec);
  },
  'GET /api/v1/db/updates/:id': async (req, _reply, ctx) => {
    const u = await ctx.store.getUpdate(req.params.id!);
    if (!u) throw new HttpError(404, `no update ${req.params.id}`);
    return updateJson(u);
  },
  'GET /api/v1/webhooks': async (_req, _reply, ctx) => ({
    webhooks: (await ctx.store.listWebhooks()).map((w) => defined({ id: w.id, url: w.url, minSeverity: w.minSeverity, createdAt: iso(w.createdAt)! })),
  }),
  'POST /api/v1/webhooks': async (req, reply, ctx) => {
    const b = req.body as { url: string; secret: string; minSeverity?: string };
    try {
      new URL(b.url);
    } catch {
      throw new HttpError(400, 'url is not a URL');
    }
    const w = await ctx.store.addWebhook(b);
    reply.code(201);
    return defined({ id: w.id, url: w.url, minSeverity: w.minSeverity, createdAt: iso(w.createdAt)! });
  },
  'DELETE /api/v1/webhooks/:id': async (req, reply, ctx) => {
    if (!(await ctx.store.deleteWebhook(req.params.id!))) throw new HttpError(404, `no webhook ${req.params.id}`);
    return reply.code(204).send();
  },
  'GET /api/v1/webhooks/deliveries': async (req, _reply, ctx) => {
    const q = req.query as { state?: string; limit: number };
    return { deliveries: (await ctx.store.listDeliveries({ ...(q.state ? { state: q.state } : {}), limit: q.limit })).map(deliveryJson) };
  },
};

function routeSchema(r: RouteSpec): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (r.params) s.params = { type: 'object', properties: r.params, required: Object.keys(r.params), additionalProperties: false };
  if (r.query) s.querystring = { type: 'object', properties: r.query, additionalProperties: r.url === '/api/v1/index' };
  if (r.body) s.body = r.rawBody ? { content: { 'application/json': { schema: schemas[r.body] } } } : schemas[r.body];
  s.response = Object.fromEntries(Object.entries(r.responses).filter(([, v]) => v.schema && !v.media).map(([code, v]) => [code, schemas[v.schema!]]));
  return s;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8' };

/**
 * The dashboard hook: with a directory, its files are served at `/` (index.html for `/`), read-only, never
 * outside the directory; without one, the built-in dashboard (dashboard.ts).
 */
function registerDashboard(app: FastifyInstance, ctx: ServerContext, dir: string | undefined): void {
  if (!dir) {
    registerDashboardPages(app, ctx);
    return;
  }
  const root = realpathSync(dir);
  app.get('/*', async (req, reply) => {
    const url = decodeURIComponent((req.url.split('?')[0] ?? '/').replace(/^\/+/, ''));
    let file = resolve(root, url || 'index.html');
    try {
      file = realpathSync(file);
      if (statSync(file).isDirectory()) file = realpathSync(join(file, 'index.html'));
    } catch {
      throw new HttpError(404, 'not found');
    }
    if (file !== root && !file.startsWith(root + sep)) throw new HttpError(404, 'not found');
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(createReadStream(file));
  });
}

export function registerRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const limiter = new RateLimiter(ctx.rateLimit);
  // archive uploads stream through untouched (the handler caps and spools them)
  app.addContentTypeParser(['application/x-tar', 'application/octet-stream'], (_req, payload, done) => done(null, payload));

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
    let status = 500;
    let detail = 'internal error';
    let extra: Record<string, unknown> = {};
    if (err instanceof HttpError) {
      status = err.status;
      detail = err.message;
      extra = err.extra;
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    } else if (err.validation) {
      status = 400;
      detail = err.message;
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      detail = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'the request body is too large' : err.message;
    } else {
      ctx.log('request failed', { method: req.method, url: req.url, error: err.message, stack: err.stack });
    }
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    // a refused body may still be arriving: do not keep this connection for another request
    if (status === 413) reply.header('connection', 'close');
    void reply.code(status).type(PROBLEM_TYPE).send(JSON.stringify(problem(status, detail, extra)));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).type(PROBLEM_TYPE).send(JSON.stringify(problem(404, `no route ${req.method} ${req.url.split('?')[0]}`)));
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    ctx.metrics.inc('bulwark_http_requests_total', { route, method: req.method, code: String(reply.statusCode) });
    ctx.metrics.observe('bulwark_http_request_duration_seconds', reply.elapsedTime / 1000, { route });
  });

  for (const spec of ROUTES) {
    const handler = HANDLERS[`${spec.method} ${spec.url}`];
    if (!handler) throw new Error(`no handler for ${spec.method} ${spec.url}`);
    app.route({
      method: spec.method,
      url: spec.url,
      schema: routeSchema(spec),
      onRequest: async (req) => {
        const who: Principal | undefined = ctx.auth.authenticate(req.headers.authorization);
        // limited per credential, and per address for anonymous or failed attempts (guessing tokens is limited too)
        const wait = limiter.take(who?.id ?? `ip:${req.ip}`);
        if (wait) throw new HttpError(429, 'rate limit exceeded', {}, { 'retry-after': String(wait) });
        if (spec.scope === 'read' && ctx.auth.publicReads) return;
        if (!who) throw new HttpError(401, 'a bearer token is required (Authorization: Bearer TOKEN)');
        if (spec.scope !== 'none' && !hasScope(who, spec.scope)) throw new HttpError(403, `this needs the '${spec.scope}' scope`);
      },
      handler: (req, reply) => handler(req as Req, reply, ctx),
    });
  }

  const doc = JSON.stringify(openApiDocument());
  app.get('/api/v1/openapi.json', async (_req, reply) => reply.type('application/json').send(doc));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    let storeOk = true;
    try {
      await ctx.store.queueStats();
    } catch {
      storeOk = false;
    }
    const db = ctx.vulns.facts();
    const ready = storeOk && Boolean(db);
    reply.code(ready ? 200 : 503);
    return defined({ status: ready ? 'ready' : 'not ready', store: storeOk ? ctx.store.dialect : 'unreachable', database: db ? db.builtAt : 'none', notifier: ctx.isNotifier() });
  });
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(await ctx.metrics.render()));
  registerDashboard(app, ctx, ctx.dashboardDir);
}
