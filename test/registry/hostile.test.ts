/**
 * Hostile registries: a small HTTP server in the test plays each bad peer. Every case must end in a clear
 * one-line error and exit 2, in bounded time, never a stack trace — and the transient faults (a 503, a
 * connection cut mid-blob) must be survived by retrying / resuming.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { tarBuffer } from '../image/support/craft.js';
import { openRegistryImage } from '../../src/sources/registry.js';
import { lastScanStats, scanImage } from '../../src/image/scan.js';
import { packageDetectors } from '../../src/app/analyzers.js';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

// one small real image: a gzip layer with /etc/os-release, its config and manifest
const layerTar = tarBuffer([{ name: 'etc/', type: '5', mode: 0o755 }, { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n' }]);
const layer = gzipSync(layerTar);
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { User: '1000' }, rootfs: { type: 'layers', diff_ids: [sha(layerTar)] }, history: [{ created_by: 'test' }] }));
const manifestOf = (layerDigest: string, layerSize: number) =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layerSize }],
    }),
  );
const manifest = manifestOf(sha(layer), layer.length);
// the swapped blob: same length, other bytes (an uncompressed layer, so only the digest can tell)
const plainLayer = tarBuffer([{ name: 'etc/os-release', content: 'ID=alpine\n' }]);
const swappedLayer = tarBuffer([{ name: 'etc/os-release', content: 'ID=evil!!\n' }]);
const plainConfig = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(plainLayer)] } }));
const plainManifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(plainConfig), size: plainConfig.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(plainLayer), size: plainLayer.length }],
  }),
);

let server: http.Server;
let addr: string;
let cutOnce = true;
let failOnce = true;
const seen: string[] = [];

function send(res: http.ServerResponse, status: number, body: Buffer | string, headers: Record<string, string | number> = {}): void {
  const b = Buffer.from(body);
  res.writeHead(status, { 'content-length': b.length, ...headers });
  res.end(b);
}

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    seen.push(`${req.method} ${p}`);
    const m = /^\/v2\/([a-z0-9/-]+)\/(manifests|blobs)\/(.+)$/.exec(p);
    if (p === '/v2/') return send(res, 200, '{}');
    if (p === '/token') return send(res, 200, JSON.stringify({ token: 'opaque-token', expires_in: 60 }), { 'content-type': 'application/json' });
    if (!m) return send(res, 404, '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    const blob = (b: Buffer) => send(res, 200, b, { 'content-type': 'application/octet-stream', 'docker-content-digest': sha(b) });
    if (kind === 'blobs' && ref === sha(config)) return blob(config);
    if (kind === 'blobs' && ref === sha(plainConfig)) return blob(plainConfig);
    switch (repo) {
      case 'good':
        if (kind === 'manifests') return send(res, 200, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha(manifest) });
        return blob(layer);
      case 'endless': {
        // a manifest that never ends
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        res.write('{"schemaVersion":2,"layers":[');
        const chunk = Buffer.from('{"mediaType":"x","digest":"sha256:' + '0'.repeat(64) + '","size":1},'.repeat(200));
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => res.destroy());
        return pump();
      }
      case 'wrong-manifest-digest':
        return send(res, 200, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha('something else') });
      case 'wrong-blob':
        if (kind === 'manifests') return send(res, 200, plainManifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        return send(res, 200, swappedLayer, { 'content-type': 'application/octet-stream' });
      case 'short-blob':
        if (kind === 'manifests') return send(res, 200, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        return send(res, 200, layer.subarray(0, 50), { 'content-type': 'application/octet-stream' });
      case 'oversize-blob': {
        if (kind === 'manifests') return send(res, 200, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        // more bytes than the descriptor announces, no Content-Length
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(layer);
        res.end(Buffer.alloc(1024 * 1024));
        return;
      }
      case 'redirect-loop':
        return send(res, 307, '', { location: p.endsWith('/1') ? p.replace(/\/1$/, '/2') : p.replace(/\/2$/, '/1') });
      case 'unauthorized':
        // 401 forever, whatever token is presented
        return send(res, 401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', { 'www-authenticate': `Bearer realm="http://${addr}/token",service="hostile",scope="repository:${repo}:pull"` });
      case 'basic-forever':
        return send(res, 401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', { 'www-authenticate': 'Basic realm="hostile"' });
      case 'http-realm':
        return send(res, 401, '{}', { 'www-authenticate': 'Bearer realm="http://auth.invalid/token",service="x"' });
      case 'silent':
        return; // never answers
      case 'not-json':
        return send(res, 200, '<html>hello</html>', { 'content-type': 'text/html' });
      case 'schema1':
        return send(res, 200, JSON.stringify({ schemaVersion: 1, name: 'x', tag: '1', fsLayers: [] }), { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' });
      case 'cut-mid-blob': {
        if (kind === 'manifests') return send(res, 200, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
        if (range) {
          const from = Number(range[1]);
          return send(res, 206, layer.subarray(from), { 'content-range': `bytes ${from}-${layer.length - 1}/${layer.length}` });
        }
        if (cutOnce) {
          cutOnce = false;
          res.writeHead(200, { 'content-length': layer.length });
          res.write(layer.subarray(0, 40));
          setTimeout(() => res.socket?.destroy(), 50);
          return;
        }
        return blob(layer);
      }
      case 'flaky':
        if (failOnce) {
          failOnce = false;
          return send(res, 503, '{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}', { 'retry-after': '0' });
        }
        if (kind === 'manifests') return send(res, 200, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        return blob(layer);
      default:
        return send(res, 404, '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

async function scan(repo: string, extra: string[] = []) {
  const cache = tempDir('bw-hostile-');
  const started = Date.now();
  const r = await runCli(['image', `${addr}/${repo}:1`, '--insecure-registry', addr, '--registry-timeout', '2', '--cache-dir', cache, '--no-vulns', ...extra]);
  return { ...r, ms: Date.now() - started };
}

function assertCleanError(r: { code: number; stderr: string; stdout: string }, re: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, re);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.match(r.stderr, /^bulwark: /);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
}

test('a good image from the same server scans (the harness is sound)', async () => {
  const r = await scan('good', ['-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).summary.os, 'Alpine Linux v3.20');
});

test('an endless manifest is cut at the 4 MiB cap', async () => {
  const r = await scan('endless');
  assertCleanError(r, /manifest endless:1 is larger than the 4194304-byte limit/);
  assert.ok(r.ms < 30_000);
});

test('a manifest whose Docker-Content-Digest does not match its bytes', async () => {
  assertCleanError(await scan('wrong-manifest-digest'), /digest mismatch: Docker-Content-Digest says sha256:[a-f0-9]{64}, the manifest sent is sha256:/);
});

test('a layer blob that is not what its digest says: the error names the blob', async () => {
  assert.equal(swappedLayer.length, plainLayer.length);
  assertCleanError(await scan('wrong-blob'), new RegExp(`layer 1 \\(sha256:[a-f0-9]{12}\\): digest mismatch: the manifest says ${sha(plainLayer)}, the blob is ${sha(swappedLayer)}`));
  assertCleanError(await scan('short-blob'), new RegExp(`layer 1 \\(${sha(layer)}\\) .*sent 50 of the ${layer.length} bytes`));
});

test('the same blobs walked in worker threads (the port a registry layer streams through): the same errors, nothing left open', async () => {
  const open = (repo: string) => openRegistryImage(`${addr}/${repo}:1`, { registry: { insecureRegistries: [addr], transport: { timeoutMs: 2000, idleTimeoutMs: 5000, documentTimeoutMs: 5000 } } });
  const good = await open('good');
  try {
    const s = await scanImage(good, [...packageDetectors], { noCache: true, walkIn: 'threads' });
    assert.ok(s.final.size > 0);
    assert.equal(lastScanStats.layersInWorkers, good.layers.length, 'every layer was walked in a worker thread');
  } finally {
    await good.close();
  }
  for (const [repo, re] of [
    ['wrong-blob', new RegExp(`layer 1 \\(sha256:[a-f0-9]{12}\\): digest mismatch: the manifest says ${sha(plainLayer)}, the blob is ${sha(swappedLayer)}`)],
    ['short-blob', new RegExp(`layer 1 \\(${sha(layer)}\\) .*sent 50 of the ${layer.length} bytes`)],
  ] as const) {
    const img = await open(repo);
    try {
      await assert.rejects(scanImage(img, [...packageDetectors], { noCache: true, walkIn: 'threads' }), (e: Error) => e.name !== 'Error' && re.test(e.message));
    } finally {
      await img.close();
    }
  }
});

test('a blob longer than its descriptor is cut there', async () => {
  assertCleanError(await scan('oversize-blob'), new RegExp(`layer 1 \\(${sha(layer)}\\) .*sent more than the ${layer.length} bytes the manifest announces`));
});

test('a redirect loop', async () => {
  assertCleanError(await scan('redirect-loop'), /redirect loop at http:\/\/127\.0\.0\.1:\d+\/v2\/redirect-loop\/manifests\/[12]/);
});

test('401 forever (bearer): one token exchange, then a clear refusal', async () => {
  const before = seen.length;
  assertCleanError(await scan('unauthorized'), /requires authentication \(401 after the token exchange\)/);
  const calls = seen.slice(before).filter((s) => s.includes('/unauthorized/')).length;
  assert.ok(calls <= 2, `no loop: ${calls} manifest requests`);
});

test('401 forever (basic, with credentials): refused, no loop', async () => {
  const cfg = tempDir('bw-hostile-cfg-');
  mkdirSync(cfg, { recursive: true });
  writeFileSync(join(cfg, 'config.json'), JSON.stringify({ auths: { [addr]: { auth: Buffer.from('u:p').toString('base64') } } }));
  const prev = process.env.DOCKER_CONFIG;
  process.env.DOCKER_CONFIG = cfg;
  try {
    assertCleanError(await scan('basic-forever'), /refused the credentials from .*config\.json auths/);
  } finally {
    if (prev === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = prev;
  }
});

test('a token service on plain HTTP is refused unless allowed', async () => {
  assertCleanError(await scan('http-realm'), /token service http:\/\/auth\.invalid is not HTTPS; refused/);
});

test('a registry that never answers times out', async () => {
  const r = await scan('silent');
  assertCleanError(r, /timed out after 2000 ms/);
  assert.ok(r.ms < 60_000, `bounded: ${r.ms} ms`);
});

test('not JSON, and schema 1', async () => {
  assertCleanError(await scan('not-json'), /manifest not-json:1 is not valid JSON/);
  assertCleanError(await scan('schema1'), /Docker schema 1 manifest/);
});

test('transient faults are survived: a 503 is retried, a blob cut mid-way is resumed with Range', async () => {
  const flaky = await scan('flaky', ['-f', 'json']);
  assert.equal(flaky.code, 0, flaky.stderr);
  const cut = await scan('cut-mid-blob', ['-f', 'json']);
  assert.equal(cut.code, 0, cut.stderr);
  assert.equal(JSON.parse(cut.stdout).summary.os, 'Alpine Linux v3.20');
});

test('unknown repository and malformed references', async () => {
  assertCleanError(await scan('nothing-here'), /manifest nothing-here:1: not found on 127\.0\.0\.1:\d+: NAME_UNKNOWN/);
  const bad = await runCli(['image', `${addr}/UPPER/case:1`, '--no-vulns']);
  assertCleanError(bad, /invalid repository name 'UPPER\/case'.*lower case/);
});
