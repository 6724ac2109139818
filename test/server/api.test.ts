/**
 * The service API over HTTP, against a real `bulwark serve` process: authentication and scopes, indexing a
 * path / an uploaded archive / an SBOM, idempotency, vulnerabilities in the CLI's finding shape, the path
 * rules (.., symlinks, absolute paths outside the roots), limits, problem+json errors, the OpenAPI document
 * (every response checked against it), health, metrics, and `bulwark image --server` printing the same
 * report as a local scan. A second server covers --public-reads, TLS and the rate limit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { runCli } from '../support/cli.js';
import { call, startServer, tokensFile, TOKENS, waitFor, type Res, type TestServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';
import { signJwt } from '../../src/server/auth.js';
import { ALPINE_ROOTFS, craftImage, SECDB } from './helpers.js';

const work = tempDir('bw-api-');
const allow = join(work, 'allow');
const outside = join(work, 'outside');
const cache = join(work, 'cache');
mkdirSync(allow);
mkdirSync(outside);
const rootfs = join(allow, 'alpine.tar.gz');
copyFileSync(ALPINE_ROOTFS, rootfs);
const ROOTFS_REF = `rootfs:${rootfs}`;

let srv: TestServer;
const seen: Array<{ route: string; res: Res }> = [];
/** every answer is recorded and later checked against the OpenAPI document */
async function api(method: string, path: string, opts: Parameters<typeof call>[3] = {}, route = path): Promise<Res> {
  const res = await call(srv.url, method, path, opts);
  seen.push({ route: `${method} ${route}`, res });
  return res;
}

function isProblem(r: Res, status: number): void {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.title, 'string');
  assert.doesNotMatch(r.text, /\n\s+at |node_modules|\.ts:\d+/, 'no stack trace');
}

before(async () => {
  srv = await startServer(['--allow-path', allow, '--tokens', tokensFile(work), '--cache-dir', cache, '--max-upload', '2MiB', '--max-body', '1MiB', '--rate-limit', '0', '-q']);
  const upd = await api('POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources: [SECDB] } });
  assert.equal(upd.status, 202, upd.text);
  await waitFor(async () => {
    const u = await api('GET', `/api/v1/db/updates/${upd.body.id}`, { token: TOKENS.read }, '/api/v1/db/updates/:id');
    if (u.body.state === 'failed') assert.fail(`update failed: ${u.body.error}`);
    return u.body.state === 'done' ? true : undefined;
  }, 'the database update');
});

after(async () => {
  // SIGTERM is a clean stop: requests answered, stores closed, exit 0 (not the CLI's 143)
  if (srv) assert.equal(await srv.stop(), 0, `exit code after SIGTERM\n${srv.log().slice(-1000)}`);
});

async function indexed(digest: string): Promise<Res> {
  return waitFor(async () => {
    const r = await api('GET', `/api/v1/vulnerabilities/${digest}`, { token: TOKENS.read }, '/api/v1/vulnerabilities/:digest');
    if (r.status === 422) assert.fail(`indexing failed: ${r.text}`);
    return r.status === 200 ? r : undefined;
  }, `vulnerabilities of ${digest}`);
}

describe('bulwark serve API', () => {
  let digest = '';

  test('writes and reads need a token with the right scope; errors are problem+json', async () => {
    const anon = await api('POST', '/api/v1/index', { json: { ref: ROOTFS_REF } });
    isProblem(anon, 401);
    assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
    isProblem(await api('POST', '/api/v1/index', { token: 'not-a-token-at-all-xxxxxxxx', json: { ref: ROOTFS_REF } }), 401);
    isProblem(await api('POST', '/api/v1/index', { token: TOKENS.read, json: { ref: ROOTFS_REF } }), 403);
    isProblem(await api('GET', '/api/v1/images'), 401);
    isProblem(await api('POST', '/api/v1/db/update', { token: TOKENS.write, json: {} }), 403);
    isProblem(await api('GET', '/api/v1/webhooks', { token: TOKENS.write }), 403);
    isProblem(await api('GET', `/api/v1/vulnerabilities/sha256:${'0'.repeat(64)}`, { token: TOKENS.read }, '/api/v1/vulnerabilities/:digest'), 404);
    isProblem(await api('GET', '/api/v1/vulnerabilities/not-a-digest', { token: TOKENS.read }, '/api/v1/vulnerabilities/:digest'), 400);
    isProblem(await api('GET', '/no/such/route'), 404);
  });

  test('bodies are validated: unknown fields, wrong types, two inputs at once, broken JSON', async () => {
    const t = { token: TOKENS.write };
    isProblem(await api('POST', '/api/v1/index', { ...t, json: {} }), 400);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: 42 } }), 400);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: ROOTFS_REF, extra: true } }), 400);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: ROOTFS_REF, sbom: {} } }), 400);
    isProblem(await api('POST', '/api/v1/index', { ...t, body: '{"ref": ', type: 'application/json' }), 400);
    isProblem(await api('POST', '/api/v1/index', { ...t, body: 'ref=x', type: 'text/plain' }), 415);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { sbom: { bomFormat: 'CycloneDX', pad: 'x'.repeat(1.5 * 1024 * 1024) } } }), 413);
  });

  test('POST /index answers 202 {digest, job}; vulnerabilities are 202 until indexed, then the CLI finding shape', async () => {
    const r = await api('POST', '/api/v1/index', { token: TOKENS.write, json: { ref: ROOTFS_REF } });
    assert.equal(r.status, 202, r.text);
    assert.match(r.body.digest, /^sha256:[a-f0-9]{64}$/);
    assert.equal(typeof r.body.job, 'string');
    assert.equal(r.body.created, true);
    digest = r.body.digest;
    const early = await api('GET', `/api/v1/vulnerabilities/${digest}`, { token: TOKENS.read }, '/api/v1/vulnerabilities/:digest');
    assert.ok([200, 202].includes(early.status), early.text);
    const done = await indexed(digest);
    const job = await api('GET', `/api/v1/jobs/${r.body.job}`, { token: TOKENS.read }, '/api/v1/jobs/:id');
    assert.equal(job.body.state, 'done');
    assert.equal(job.body.attempts, 1);

    // the same findings as `bulwark image` on the same image and the same feed
    const local = join(work, 'local-cache');
    assert.equal((await runCli(['db', 'update', '--cache-dir', local, '--source', SECDB])).code, 0);
    const cli = await runCli(['image', ROOTFS_REF, '--cache-dir', local, '-f', 'json']);
    assert.equal(cli.code, 0, cli.stderr);
    const want = JSON.parse(cli.stdout).findings.filter((f: any) => f.vulnerability);
    const byFp = (a: any, b: any) => (a.fingerprint < b.fingerprint ? -1 : 1);
    assert.ok(want.length >= 2);
    assert.deepEqual([...done.body.findings].sort(byFp), [...want].sort(byFp));
    assert.ok(done.body.findings.some((f: any) => f.ruleId === 'CVE-2024-9143' && f.vulnerability.package.name === 'libssl3'));

    // idempotent per digest: same job, nothing queued again
    const again = await api('POST', '/api/v1/index', { token: TOKENS.write, json: { ref: ROOTFS_REF } });
    assert.equal(again.status, 202);
    assert.deepEqual([again.body.digest, again.body.job, again.body.created, again.body.state], [digest, r.body.job, false, 'indexed']);

    const idx = await api('GET', `/api/v1/index/${digest}`, { token: TOKENS.read }, '/api/v1/index/:digest');
    assert.equal(idx.status, 200);
    assert.equal(idx.body.index.inventory.packages.length, 14);
    assert.equal(idx.body.index.summary.layers.length, 1);
    assert.equal(idx.body.index.attribution.method, 'none');
    assert.ok(idx.body.index.findings.some((f: any) => f.ruleId === 'BW-IMAGE-001'), 'image checks are part of the index');
  });

  test('a report is served as cached bytes: ETag and 304, br and gzip when accepted, the same JSON each way', async () => {
    const path = `/api/v1/vulnerabilities/${digest}`;
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        const u = new URL(srv.url + path);
        const req = httpRequest({ host: u.hostname, port: u.port, path, headers: { authorization: `Bearer ${TOKENS.read}`, ...headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      });
    const record = (r: { status: number; body: Buffer }) =>
      seen.push({ route: 'GET /api/v1/vulnerabilities/:digest', res: { status: r.status, headers: new Headers(), body: r.body.length ? JSON.parse(r.body.toString('utf8')) : undefined, text: r.body.toString('utf8') } });

    const plain = await get({ 'accept-encoding': 'identity' });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers['content-type']), /^application\/json/);
    assert.equal(plain.headers['content-length'], String(plain.body.length));
    const etag = String(plain.headers.etag);
    assert.match(etag, /^"[A-Za-z0-9_-]{32}"$/);
    assert.match(String(plain.headers.vary), /accept-encoding/);
    const json = JSON.parse(plain.body.toString('utf8'));
    assert.equal(json.digest, digest);
    assert.ok(json.findings.some((f: any) => f.ruleId === 'CVE-2024-9143'));
    record(plain);
    assert.deepEqual((await get({})).body, plain.body, 'the same bytes again');

    const gz = await get({ 'accept-encoding': 'gzip, deflate' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers.etag, `${etag.slice(0, -1)}-gzip"`);
    assert.deepEqual(gunzipSync(gz.body), plain.body);
    const br = await get({ 'accept-encoding': 'gzip;q=0.5, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.etag, `${etag.slice(0, -1)}-br"`);
    assert.deepEqual(brotliDecompressSync(br.body), plain.body);
    assert.equal((await get({ 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding'], 'gzip');

    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, String(gz.headers.etag), '*']) {
      const nm = await get({ 'if-none-match': inm });
      assert.equal(nm.status, 304, inm);
      assert.equal(nm.body.length, 0);
      record(nm);
    }
    const changed = await get({ 'if-none-match': '"not-this-one"' });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body, plain.body);
  });

  test('path references stay under --allow-path: absolute outside, .., symlinks, non-files', async () => {
    const t = { token: TOKENS.write };
    writeFileSync(join(outside, 'secret.tar'), 'not for you');
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: '/etc/passwd' } }), 403);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: join(outside, 'secret.tar') } }), 403);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: `${allow}/../outside/secret.tar` } }), 403);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: `rootfs:${allow}/../outside/secret.tar` } }), 403);
    symlinkSync(join(outside, 'secret.tar'), join(allow, 'link.tar'));
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: join(allow, 'link.tar') } }), 403);
    mkdirSync(join(allow, 'layout'));
    writeFileSync(join(allow, 'layout', 'index.json'), '{}');
    symlinkSync(outside, join(allow, 'layout', 'blobs'));
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: join(allow, 'layout') } }), 403);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: join(allow, 'missing.tar') } }), 404);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: 'alpine.tar.gz' } }), 400);
    // a bare name is not resolved the CLI's way (engine first) on a server: docker: is the engine's opt-in
    const bare = await api('POST', '/api/v1/index', { ...t, json: { ref: 'alpine:3.20' } });
    isProblem(bare, 400);
    assert.match(bare.text, /docker:NAME/);
    execFileSync('mkfifo', [join(allow, 'fifo')]);
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: join(allow, 'fifo') } }), 422);
    writeFileSync(join(allow, 'garbage.tar'), 'this is not an image archive');
    isProblem(await api('POST', '/api/v1/index', { ...t, json: { ref: join(allow, 'garbage.tar') } }), 422);
  });

  test('an uploaded docker save archive is streamed, capped, and indexed; a second image on the same base reuses its layers', async () => {
    const img1 = craftImage(work, 1);
    const up = await api('POST', '/api/v1/index?name=uploaded', { token: TOKENS.write, body: readFileSync(img1), type: 'application/x-tar' });
    assert.equal(up.status, 202, up.text);
    const v1 = await indexed(up.body.digest);
    assert.equal(v1.body.name, 'uploaded');
    const j1 = await api('GET', `/api/v1/jobs/${up.body.job}`, { token: TOKENS.read }, '/api/v1/jobs/:id');
    assert.equal(j1.body.ref, 'upload', 'the spool path is not shown');
    // same base layer, own top layer: only the top layer is read
    const img2 = craftImage(allow, 2);
    const r2 = await api('POST', '/api/v1/index', { token: TOKENS.write, json: { ref: img2 } });
    await indexed(r2.body.digest);
    const j2 = await api('GET', `/api/v1/jobs/${r2.body.job}`, { token: TOKENS.read }, '/api/v1/jobs/:id');
    assert.deepEqual([j2.body.stats.layersStreamed, j2.body.stats.layersFromCache], [1, 1]);
    // too large: refused while streaming
    const big = craftImage(work, 3, { extraBytes: 3 * 1024 * 1024 });
    isProblem(await api('POST', '/api/v1/index', { token: TOKENS.write, body: readFileSync(big), type: 'application/x-tar' }), 413);
    isProblem(await api('POST', '/api/v1/index', { token: TOKENS.write, body: 'garbage', type: 'application/x-tar' }), 422);
  });

  test('an SBOM (CycloneDX and SPDX from bulwark sbom) is indexed and matched like the image', async () => {
    for (const format of ['cyclonedx', 'spdx']) {
      const sb = await runCli(['sbom', ROOTFS_REF, '-f', format, '--cache-dir', join(work, 'sbom-cache')]);
      assert.equal(sb.code, 0, sb.stderr);
      const r = await api('POST', '/api/v1/index', { token: TOKENS.write, json: { sbom: JSON.parse(sb.stdout), name: `sbom-${format}` } });
      assert.equal(r.status, 202, r.text);
      assert.equal(r.body.state, 'indexed');
      const v = await indexed(r.body.digest);
      const ids = (x: Res) => x.body.findings.map((f: any) => `${f.ruleId} ${f.vulnerability.package.name} ${f.vulnerability.fixedVersion}`).sort();
      assert.deepEqual(ids(v), ids(await indexed(digest)), format);
    }
    isProblem(await api('POST', '/api/v1/index', { token: TOKENS.write, json: { sbom: { hello: 'world' } } }), 422);
  });

  test('images are listed, filtered, paged and deleted', async () => {
    const all = await api('GET', '/api/v1/images?limit=1000', { token: TOKENS.read }, '/api/v1/images');
    assert.ok(all.body.images.length >= 4);
    const named = await api('GET', '/api/v1/images?name=sbom-', { token: TOKENS.read }, '/api/v1/images');
    assert.deepEqual(named.body.images.map((i: any) => i.name).sort(), ['sbom-cyclonedx', 'sbom-spdx']);
    assert.equal((await api('GET', '/api/v1/images?state=failed', { token: TOKENS.read }, '/api/v1/images')).body.images.length, 0);
    const pages: string[] = [];
    let next: string | undefined;
    do {
      const p = await api('GET', `/api/v1/images?limit=2${next ? `&next=${next}` : ''}`, { token: TOKENS.read }, '/api/v1/images');
      pages.push(...p.body.images.map((i: any) => i.digest));
      next = p.body.next;
    } while (next);
    assert.deepEqual(pages, all.body.images.map((i: any) => i.digest));
    isProblem(await api('GET', '/api/v1/images?next=bogus', { token: TOKENS.read }, '/api/v1/images'), 400);
    const victim = named.body.images[0].digest;
    isProblem(await api('DELETE', `/api/v1/images/${victim}`, { token: TOKENS.read }, '/api/v1/images/:digest'), 403);
    assert.equal((await api('DELETE', `/api/v1/images/${victim}`, { token: TOKENS.write }, '/api/v1/images/:digest')).status, 204);
    isProblem(await api('GET', `/api/v1/vulnerabilities/${victim}`, { token: TOKENS.read }, '/api/v1/vulnerabilities/:digest'), 404);
    isProblem(await api('DELETE', `/api/v1/images/${victim}`, { token: TOKENS.write }, '/api/v1/images/:digest'), 404);
  });

  test('bulwark image --server prints the same report as a local scan', async () => {
    const local = join(work, 'local-cache');
    const mine = await runCli(['image', ROOTFS_REF, '--cache-dir', local, '-f', 'json']);
    const remote = await runCli(['image', ROOTFS_REF, '--cache-dir', join(work, 'client-cache'), '--server', srv.url, '--token', TOKENS.write, '-f', 'json']);
    assert.equal(remote.code, 0, remote.stderr);
    assert.deepEqual(JSON.parse(remote.stdout), JSON.parse(mine.stdout));
    const table = await runCli(['image', ROOTFS_REF, '--cache-dir', join(work, 'client-cache'), '--server', srv.url, '--token', TOKENS.write]);
    assert.equal(table.stdout, (await runCli(['image', ROOTFS_REF, '--cache-dir', local])).stdout);
    const denied = await runCli(['image', ROOTFS_REF, '--cache-dir', join(work, 'client-cache'), '--server', srv.url]);
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /the server answered 401/);
  });

  test('health, readiness, metrics', async () => {
    assert.deepEqual((await api('GET', '/healthz')).body, { status: 'ok' });
    const ready = await api('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.store, 'sqlite');
    const m = await call(srv.url, 'GET', '/metrics');
    assert.match(m.headers.get('content-type') ?? '', /^text\/plain/);
    for (const name of ['bulwark_jobs_total{state="done"}', 'bulwark_queue_depth{state="queued"} 0', 'bulwark_vulndb_age_seconds', 'bulwark_job_duration_seconds_count', 'bulwark_images ', 'bulwark_http_requests_total{route="/api/v1/index",method="POST",code="202"}']) {
      assert.ok(m.text.includes(name), `metrics lack ${name}`);
    }
  });

  test('the OpenAPI 3.1 document describes every route, and every answer above matches it', async () => {
    const doc = (await api('GET', '/api/v1/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void)(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    const checked = new Set<string>();
    for (const { route, res } of seen) {
      const [method, url] = route.split(' ') as [string, string];
      const path = url.split('?')[0]!.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[method.toLowerCase()];
      if (!op) {
        assert.equal(res.status, 404, `${route} is not in the document`);
        continue;
      }
      const resp = op.responses[String(res.status)];
      assert.ok(resp, `${route} answered ${res.status}, which the document does not list`);
      const media = Object.entries(resp.content ?? {})[0] as [string, { schema: { $ref?: string } }] | undefined;
      if (!media || !res.body || !media[1].schema.$ref) continue;
      const validate = ajv.getSchema(`doc${media[1].schema.$ref}`)!;
      assert.ok(validate(res.body), `${route} ${res.status}: ${ajv.errorsText(validate.errors)}`);
      checked.add(`${route} ${res.status}`);
    }
    assert.ok(checked.size >= 25, `only ${checked.size} answer kinds were checked`);
  });
});

const JWT_KEY = 'a-pre-shared-key-of-at-least-32-characters';

describe('--public-reads, TLS, JWTs and the rate limit', () => {
  let tls: TestServer;
  let ca: Buffer;
  before(async () => {
    const dir = tempDir('bw-tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '2'], { stdio: 'ignore' });
    ca = readFileSync(join(dir, 'cert.pem'));
    writeFileSync(join(dir, 'jwt.key'), `${JWT_KEY}\n`);
    tls = await startServer([
      '--tokens', tokensFile(dir), '--cache-dir', join(dir, 'cache'), '--public-reads', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'),
      '--rate-limit', '3', '--jwt-key', join(dir, 'jwt.key'), '--jwt-issuer', 'bulwark-test', '-q',
    ]);
  });
  after(async () => {
    await tls?.stop();
  });

  function get(path: string, method = 'GET', token?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const u = new URL(tls.url + path);
      const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, ca, headers: token ? { authorization: `Bearer ${token}`, 'content-type': 'application/json' } : { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      if (method === 'POST') req.write('{"ref":"docker:none"}');
      req.end();
    });
  }

  test('reads without a token over HTTPS, writes still need one, bursts get 429 with Retry-After', async () => {
    assert.equal(tls.url.startsWith('https://'), true);
    const list = await get('/api/v1/images');
    assert.equal(list.status, 200, list.body);
    assert.equal((await get('/api/v1/index', 'POST')).status, 401);
    const codes: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 12; i++) {
      const r = await get('/api/v1/images');
      codes.push(r.status);
      if (r.status === 429) retryAfter = r.headers['retry-after'];
    }
    assert.ok(codes.includes(429), codes.join(','));
    assert.ok(Number(retryAfter) >= 1);
    assert.equal((await get('/healthz')).status, 200, 'health is not rate limited');
  });

  test('HS256 JWTs signed with the pre-shared key: scope, expiry, issuer and signature are checked', async () => {
    await new Promise((r) => setTimeout(r, 1500)); // let the rate limit bucket refill
    const now = Math.floor(Date.now() / 1000);
    const post = (token: string) => get('/api/v1/index', 'POST', token);
    const ok = signJwt({ iss: 'bulwark-test', sub: 'ci', scope: 'write', exp: now + 300 }, JWT_KEY);
    assert.equal((await post(ok)).status, 422, 'authorised: the engine has no image named none');
    assert.equal((await post(signJwt({ iss: 'bulwark-test', scope: 'read', exp: now + 300 }, JWT_KEY))).status, 403);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await post(signJwt({ iss: 'bulwark-test', scope: 'write', exp: now - 300 }, JWT_KEY))).status, 401, 'expired');
    assert.equal((await post(signJwt({ iss: 'someone-else', scope: 'write', exp: now + 300 }, JWT_KEY))).status, 401, 'issuer');
    assert.equal((await post(signJwt({ iss: 'bulwark-test', scope: 'write', exp: now + 300 }, 'another-key-of-at-least-32-characters!'))).status, 401, 'signature');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await post(signJwt({ iss: 'bulwark-test', scope: 'write' }, JWT_KEY))).status, 401, 'no exp');
    assert.equal((await post(`${ok.slice(0, -2)}xx`)).status, 401, 'tampered');
  });
});
