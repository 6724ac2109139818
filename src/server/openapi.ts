/**
 * The API's schemas, used twice: by fastify to validate requests (and serialise responses) and in the
 * OpenAPI 3.1 document served at /api/v1/openapi.json. The schemas keep to the JSON Schema keywords that
 * draft-07 (fastify's validator) and 2020-12 (OpenAPI 3.1) read the same way.
 */
import { SEVERITIES, STAGES } from '../core/finding.js';
import { TOOL_VERSION } from '../core/version.js';

type Schema = Record<string, unknown>;

export const DIGEST_PATTERN = '^sha256:[a-f0-9]{64}$';

const digest: Schema = { type: 'string', pattern: DIGEST_PATTERN, description: 'manifest digest (sha256:...)' };
const severity: Schema = { type: 'string', enum: [...SEVERITIES] };
const open = (props: Record<string, Schema>, required: string[] = [], description?: string): Schema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties: props,
  ...(required.length ? { required } : {}),
  additionalProperties: true,
});
const closed = (props: Record<string, Schema>, required: string[] = [], description?: string): Schema => ({
  ...open(props, required, description),
  additionalProperties: false,
});

export const schemas: Record<string, Schema> = {
  Problem: open(
    { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
    ['type', 'title', 'status'],
    'RFC 9457 problem details (application/problem+json)',
  ),
  IndexRequest: {
    type: 'object',
    description:
      'Exactly one of: `ref` (docker:NAME, a registry reference, or a path under the --allow-path roots), `sbom` (a CycloneDX or SPDX JSON document), `index` (an index made by `bulwark image --server`). An image archive (docker save or OCI tar) is sent instead as the raw body with Content-Type application/x-tar.',
    properties: {
      ref: { type: 'string', minLength: 1, maxLength: 4096 },
      platform: { type: 'string', pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$', maxLength: 64 },
      name: { type: 'string', minLength: 1, maxLength: 512 },
      sbom: { type: 'object' },
      index: open({ digest, inventory: open({ packages: { type: 'array' } }, ['packages']) }, ['digest', 'inventory', 'summary', 'target']),
    },
    oneOf: [{ required: ['ref'] }, { required: ['sbom'] }, { required: ['index'] }],
    additionalProperties: false,
  },
  IndexAccepted: closed(
    {
      digest,
      job: { type: 'string' },
      state: { type: 'string', enum: ['pending', 'indexed', 'failed'] },
      created: { type: 'boolean', description: 'false when the digest was already indexed or queued (idempotent)' },
    },
    ['digest', 'job', 'state', 'created'],
  ),
  Job: closed(
    {
      id: { type: 'string' },
      digest,
      kind: { type: 'string', enum: ['ref', 'upload', 'sbom', 'index'] },
      ref: { type: 'string' },
      state: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
      attempts: { type: 'integer' },
      maxAttempts: { type: 'integer' },
      node: { type: 'string' },
      error: { type: 'string' },
      stats: { type: 'object', additionalProperties: true },
      createdAt: { type: 'string' },
      startedAt: { type: 'string' },
      finishedAt: { type: 'string' },
    },
    ['id', 'digest', 'kind', 'ref', 'state', 'attempts', 'createdAt'],
  ),
  Image: closed(
    {
      digest,
      name: { type: 'string' },
      ref: { type: 'string' },
      kind: { type: 'string' },
      state: { type: 'string', enum: ['pending', 'indexed', 'failed'] },
      job: { type: 'string' },
      os: { type: 'string' },
      packages: { type: 'integer' },
      error: { type: 'string' },
      createdAt: { type: 'string' },
      indexedAt: { type: 'string' },
    },
    ['digest', 'name', 'ref', 'kind', 'state', 'job', 'packages', 'createdAt'],
  ),
  Finding: open(
    {
      ruleId: { type: 'string' },
      title: { type: 'string' },
      severity,
      stage: { type: 'string', enum: [...STAGES] },
      message: { type: 'string' },
      location: { type: 'object', additionalProperties: true },
      remediation: { type: 'object', additionalProperties: true },
      references: { type: 'array', items: { type: 'string' } },
      fingerprint: { type: 'string' },
      origin: { type: 'string', enum: ['base', 'app'] },
      vulnerability: open(
        {
          id: { type: 'string' },
          aliases: { type: 'array', items: { type: 'string' } },
          package: open({ name: { type: 'string' }, version: { type: 'string' }, ecosystem: { type: 'string' } }, ['name', 'version', 'ecosystem']),
          status: { type: 'string' },
          fixedVersion: { type: 'string' },
          kev: { type: 'object', additionalProperties: true },
          feed: { type: 'string' },
        },
        ['id', 'package', 'status'],
      ),
    },
    ['ruleId', 'title', 'severity', 'stage', 'message', 'location', 'remediation', 'references', 'fingerprint'],
    'the finding shape of `bulwark ... --format json`',
  ),
};

schemas.IndexReport = closed(
  {
    digest,
    image: schemas.Image!,
    index: open(
      {
        digest,
        ref: { type: 'string' },
        target: { type: 'object', additionalProperties: true },
        summary: open({ layers: { type: 'array' } }, ['layers']),
        summaryText: { type: 'string' },
        inventory: open({ packages: { type: 'array' } }, ['packages']),
        attribution: { type: 'object', additionalProperties: true },
        findings: { type: 'array', items: schemas.Finding! },
        warnings: { type: 'array', items: { type: 'string' } },
      },
      ['digest', 'ref', 'target', 'summary', 'inventory', 'findings', 'warnings'],
      'the ImageIndex: inventory (packages without file lists), layers, base/app attribution, image check findings',
    ),
  },
  ['digest', 'image', 'index'],
);
schemas.VulnerabilityReport = closed(
  {
    digest,
    name: { type: 'string' },
    database: closed({ builtAt: { type: 'string' } }, ['builtAt']),
    findings: { type: 'array', items: schemas.Finding! },
    warnings: { type: 'array', items: { type: 'string' } },
  },
  ['digest', 'name', 'database', 'findings', 'warnings'],
);
schemas.Pending = closed({ digest, state: { type: 'string', enum: ['pending'] }, job: { type: 'string' } }, ['digest', 'state', 'job']);
schemas.ImageList = closed({ images: { type: 'array', items: schemas.Image! }, next: { type: 'string' } }, ['images']);
schemas.Notification = closed(
  {
    id: { type: 'string' },
    update: { type: 'string' },
    digest,
    image: { type: 'string' },
    reason: { type: 'string', enum: ['added', 'removed'] },
    vulnerability: open({ id: { type: 'string' }, severity, package: { type: 'object', additionalProperties: true } }, ['id', 'severity', 'package']),
    createdAt: { type: 'string' },
    acknowledgedAt: { type: 'string' },
  },
  ['id', 'update', 'digest', 'image', 'reason', 'vulnerability', 'createdAt'],
);
schemas.NotificationPage = closed({ notifications: { type: 'array', items: schemas.Notification! }, next: { type: 'string' } }, ['notifications']);
schemas.AckRequest = closed({ ids: { type: 'array', items: { type: 'string', maxLength: 64 }, minItems: 1, maxItems: 10000 } }, ['ids']);
schemas.AckResult = closed({ acknowledged: { type: 'integer' } }, ['acknowledged']);
schemas.DbUpdateRequest = closed({ sources: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 4096 }, maxItems: 100 } });
schemas.DbUpdate = closed(
  {
    id: { type: 'string' },
    state: { type: 'string', enum: ['running', 'done', 'failed'] },
    origin: { type: 'string' },
    node: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    dbBuiltAt: { type: 'string' },
    changedVulns: { type: 'integer' },
    affectedImages: { type: 'integer' },
    notifications: { type: 'integer' },
    error: { type: 'string' },
    detail: { type: 'object', additionalProperties: true },
  },
  ['id', 'state', 'origin', 'node', 'startedAt'],
);
schemas.DbStatus = closed(
  {
    database: open({ path: { type: 'string' }, builtAt: { type: 'string' }, ageSeconds: { type: 'integer' }, generation: { type: 'integer' } }),
    updates: { type: 'array', items: schemas.DbUpdate! },
  },
  ['updates'],
);
schemas.WebhookRequest = closed(
  {
    url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
    secret: { type: 'string', minLength: 16, maxLength: 512 },
    minSeverity: severity,
  },
  ['url', 'secret'],
);
schemas.Webhook = closed(
  { id: { type: 'string' }, url: { type: 'string' }, minSeverity: severity, createdAt: { type: 'string' } },
  ['id', 'url', 'createdAt'],
  'a webhook receiver (its secret is never returned)',
);
schemas.WebhookList = closed({ webhooks: { type: 'array', items: schemas.Webhook! } }, ['webhooks']);
schemas.Delivery = closed(
  {
    id: { type: 'string' },
    webhook: { type: 'string' },
    update: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
    attempts: { type: 'integer' },
    nextAt: { type: 'string' },
    lastStatus: { type: 'integer' },
    lastError: { type: 'string' },
    createdAt: { type: 'string' },
    deliveredAt: { type: 'string' },
  },
  ['id', 'webhook', 'update', 'state', 'attempts', 'createdAt'],
);
schemas.DeliveryList = closed({ deliveries: { type: 'array', items: schemas.Delivery! } }, ['deliveries']);
schemas.Health = open({ status: { type: 'string' } }, ['status']);

export type Scope = 'read' | 'write' | 'admin' | 'none';

/** One API route: what it takes, what it answers, the scope it needs (the OpenAPI document is built from these). */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  summary: string;
  scope: Scope;
  params?: Record<string, Schema>;
  query?: Record<string, Schema>;
  body?: string;
  /** extra request media types accepted as a raw stream (archive uploads) */
  rawBody?: string[];
  responses: Record<number, { description: string; schema?: string; media?: string }>;
}

/** every route may also answer 400 (bad parameters), 429 (rate limit) and 500 (a logged failure, no details) */
const problemResponses = (...codes: number[]) =>
  Object.fromEntries([...new Set([...codes, 400, 429, 500])].sort().map((c) => [c, { description: 'problem', schema: 'Problem', media: 'application/problem+json' }]));

export const ROUTES: RouteSpec[] = [
  {
    method: 'POST', url: '/api/v1/index', summary: 'Index an image: a reference, an uploaded archive, an SBOM or a client-made index', scope: 'write',
    body: 'IndexRequest', rawBody: ['application/x-tar', 'application/octet-stream'],
    query: { name: { type: 'string', minLength: 1, maxLength: 512, description: 'the image name to show (archive uploads; JSON bodies use `name`)' } },
    responses: { 202: { description: 'accepted (idempotent per manifest digest)', schema: 'IndexAccepted' }, ...problemResponses(400, 401, 403, 404, 413, 415, 422, 429) },
  },
  {
    method: 'GET', url: '/api/v1/index/:digest', summary: 'The index report of an image (inventory, layers, base/app split, image checks)', scope: 'read', params: { digest },
    responses: { 200: { description: 'indexed', schema: 'IndexReport' }, 202: { description: 'not indexed yet', schema: 'Pending' }, ...problemResponses(401, 404, 422) },
  },
  {
    method: 'GET', url: '/api/v1/vulnerabilities/:digest', summary: 'The vulnerabilities of an image under the current database (matched at request time)', scope: 'read', params: { digest },
    responses: {
      200: { description: 'matched (with an ETag; br or gzip when Accept-Encoding allows)', schema: 'VulnerabilityReport' },
      202: { description: 'not indexed yet', schema: 'Pending' },
      304: { description: 'not modified: If-None-Match names the current report' },
      ...problemResponses(401, 404, 422, 503),
    },
  },
  {
    method: 'GET', url: '/api/v1/images', summary: 'List images, newest first', scope: 'read',
    query: {
      name: { type: 'string', maxLength: 512, description: 'name contains' },
      state: { type: 'string', enum: ['pending', 'indexed', 'failed'] },
      os: { type: 'string', maxLength: 128 },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      next: { type: 'string', maxLength: 200, description: 'the cursor from the previous page' },
    },
    responses: { 200: { description: 'a page', schema: 'ImageList' }, ...problemResponses(400, 401) },
  },
  {
    method: 'DELETE', url: '/api/v1/images/:digest', summary: 'Delete an image (its index, verdicts and jobs)', scope: 'write', params: { digest },
    responses: { 204: { description: 'deleted' }, ...problemResponses(401, 403, 404) },
  },
  {
    method: 'GET', url: '/api/v1/jobs/:id', summary: 'An index job', scope: 'read', params: { id: { type: 'string', maxLength: 64 } },
    responses: { 200: { description: 'the job', schema: 'Job' }, ...problemResponses(401, 404) },
  },
  {
    method: 'GET', url: '/api/v1/notifications', summary: 'Notifications (images that gained or lost a vulnerability), paged', scope: 'read',
    query: {
      page_size: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      next: { type: 'string', maxLength: 32 },
      unacknowledged: { type: 'boolean', default: false },
      digest: { type: 'string', pattern: DIGEST_PATTERN },
    },
    responses: { 200: { description: 'a page', schema: 'NotificationPage' }, ...problemResponses(400, 401) },
  },
  {
    method: 'POST', url: '/api/v1/notifications/ack', summary: 'Acknowledge notifications', scope: 'write', body: 'AckRequest',
    responses: { 200: { description: 'acknowledged', schema: 'AckResult' }, ...problemResponses(400, 401, 403) },
  },
  {
    method: 'GET', url: '/api/v1/db', summary: 'The vulnerability database and its recent updates', scope: 'read',
    responses: { 200: { description: 'status', schema: 'DbStatus' }, ...problemResponses(401) },
  },
  {
    method: 'POST', url: '/api/v1/db/update', summary: 'Refresh the vulnerability database now (same sources as `db update`)', scope: 'admin', body: 'DbUpdateRequest',
    responses: { 202: { description: 'started (or already running)', schema: 'DbUpdate' }, ...problemResponses(400, 401, 403) },
  },
  {
    method: 'GET', url: '/api/v1/db/updates/:id', summary: 'One database update and its notification round', scope: 'read', params: { id: { type: 'string', maxLength: 64 } },
    responses: { 200: { description: 'the update', schema: 'DbUpdate' }, ...problemResponses(401, 404) },
  },
  {
    method: 'GET', url: '/api/v1/webhooks', summary: 'Webhook receivers', scope: 'admin',
    responses: { 200: { description: 'list', schema: 'WebhookList' }, ...problemResponses(401, 403) },
  },
  {
    method: 'POST', url: '/api/v1/webhooks', summary: 'Add a webhook receiver', scope: 'admin', body: 'WebhookRequest',
    responses: { 201: { description: 'added', schema: 'Webhook' }, ...problemResponses(400, 401, 403) },
  },
  {
    method: 'DELETE', url: '/api/v1/webhooks/:id', summary: 'Remove a webhook receiver', scope: 'admin', params: { id: { type: 'string', maxLength: 64 } },
    responses: { 204: { description: 'removed' }, ...problemResponses(401, 403, 404) },
  },
  {
    method: 'GET', url: '/api/v1/webhooks/deliveries', summary: 'Webhook deliveries (state=dead lists the dead letters)', scope: 'admin',
    query: { state: { type: 'string', enum: ['pending', 'delivered', 'dead'] }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
    responses: { 200: { description: 'list', schema: 'DeliveryList' }, ...problemResponses(401, 403) },
  },
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The OpenAPI 3.1 document. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...Object.entries(r.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
      ...Object.entries(r.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
    ];
    const op: Record<string, unknown> = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/\/api\/v1/, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(parameters.length ? { parameters } : {}),
      ...(r.scope !== 'none' ? { security: [{ bearer: [r.scope] }], 'x-scope': r.scope } : {}),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([code, resp]) => [
          code,
          { description: resp.description, ...(resp.schema ? { content: { [resp.media ?? 'application/json']: { schema: ref(resp.schema) } } } : {}) },
        ]),
      ),
    };
    if (r.body || r.rawBody) {
      const content: Record<string, unknown> = {};
      if (r.body) content['application/json'] = { schema: ref(r.body) };
      for (const m of r.rawBody ?? []) content[m] = { schema: { type: 'string', format: 'binary' } };
      op.requestBody = { required: true, content };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  paths['/healthz'] = { get: { summary: 'Liveness', operationId: 'healthz', responses: { 200: { description: 'alive', content: { 'application/json': { schema: ref('Health') } } } } } };
  paths['/readyz'] = {
    get: {
      summary: 'Readiness: the store answers and a vulnerability database is loaded',
      operationId: 'readyz',
      responses: { 200: { description: 'ready', content: { 'application/json': { schema: ref('Health') } } }, 503: { description: 'not ready', content: { 'application/json': { schema: ref('Health') } } } },
    },
  };
  paths['/api/v1/openapi.json'] = { get: { summary: 'This document', operationId: 'openapi', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } };
  paths['/metrics'] = { get: { summary: 'Prometheus metrics', operationId: 'metrics', responses: { 200: { description: 'text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } } } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bulwark service API',
      version: TOOL_VERSION,
      description: 'Index images once, read their vulnerabilities under the current database at any time, and be notified when a database update changes them.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from --tokens FILE, or an HS256 JWT signed with --jwt-key' } },
    },
    paths,
  };
}
