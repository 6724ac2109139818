import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { updateDb } from '../../src/vulndb/update.js';
import { VulnStore } from '../../src/vulndb/store.js';
import { join } from 'node:path';
import { fx, haveShared, SHARED, tmpCache } from './helpers.js';

interface Hit {
  path: string;
  status: number;
  inm?: string;
  ims?: string;
}

/** Serves feed files like the real hosts do: ETag on one, Last-Modified on another, a failing and a truncated path. */
function serve(): Promise<{ base: string; hits: Hit[]; server: Server }> {
  const files: Record<string, { file: string; validator: 'etag' | 'lm' }> = {
    '/v3.20/main.json': { file: fx('alpine/v3.20/main.json'), validator: 'etag' },
    '/kev.json': { file: fx('kev/known_exploited_vulnerabilities.json'), validator: 'lm' },
    '/Go/all.zip': { file: fx('osv/go-all.zip'), validator: 'etag' },
  };
  const hits: Hit[] = [];
  const LM = 'Mon, 25 Aug 2025 17:04:19 GMT';
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    const hit: Hit = { path: url, status: 0, inm: req.headers['if-none-match'] as string | undefined, ims: req.headers['if-modified-since'] as string | undefined };
    hits.push(hit);
    const done = (status: number) => (hit.status = status);
    if (url === '/broken') {
      done(500);
      res.writeHead(500).end('boom');
      return;
    }
    if (url === '/truncated.json') {
      done(200);
      res.writeHead(200, { 'content-length': '100000' });
      res.write('{"catalogVersion": "x", ');
      res.destroy();
      return;
    }
    const f = files[url];
    if (!f) {
      done(404);
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(f.file);
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    if (f.validator === 'etag' && req.headers['if-none-match'] === etag) {
      done(304);
      res.writeHead(304, { etag }).end();
      return;
    }
    if (f.validator === 'lm' && req.headers['if-modified-since'] === LM) {
      done(304);
      res.writeHead(304, { 'last-modified': LM }).end();
      return;
    }
    done(200);
    res.writeHead(200, f.validator === 'etag' ? { etag, 'content-length': body.length } : { 'last-modified': LM, 'content-length': body.length });
    res.end(body);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server })));
}

test('HTTP sources: download, then conditional requests (ETag and Last-Modified) answered 304 reuse the stored copy', async () => {
  const { base, hits, server } = await serve();
  try {
    const cache = tmpCache();
    const sources = [`${base}/v3.20/main.json`, `${base}/kev.json`, `${base}/Go/all.zip`];
    const first = await updateDb({ cacheDir: cache, sources });
    assert.ok(first.sources.every((s) => s.ok), JSON.stringify(first.sources));
    assert.deepEqual(hits.map((h) => h.status), [200, 200, 200]);
    assert.equal(hits[0]!.inm, undefined);
    const second = await updateDb({ cacheDir: cache, sources });
    assert.deepEqual(hits.slice(3).map((h) => h.status), [304, 304, 304]);
    assert.match(hits[3]!.inm!, /^"[0-9a-f]{40}"$/, 'the stored ETag is sent back');
    assert.equal(hits[4]!.ims, 'Mon, 25 Aug 2025 17:04:19 GMT', 'the stored Last-Modified is sent back');
    assert.ok(second.sources.every((s) => s.ok && s.notModified));
    const store = VulnStore.open(second.path);
    try {
      assert.ok(store.affectedFor('apk', 'alpine:v3.20', 'openssl').length > 0, 'data of a 304 source is still imported');
      assert.ok(store.kev('CVE-2021-44228'));
      assert.ok(store.affectedFor('golang', '', 'stdlib').length > 0, 'zip over HTTP');
      const src = store.info().sources.find((s) => s.name.endsWith('/v3.20/main.json'))!;
      assert.match(src.etag!, /^"/, 'validators are stored per source');
    } finally {
      store.close();
    }
  } finally {
    server.close();
  }
});

test('HTTP errors are reported per source while the other sources import', async () => {
  const { base, server } = await serve();
  try {
    const r = await updateDb({ cacheDir: tmpCache(), sources: [`${base}/broken`, `${base}/truncated.json`, `${base}/nope.json`, `${base}/kev.json`, 'http://127.0.0.1:1/unreachable.json'] });
    const by = Object.fromEntries(r.sources.map((s) => [s.name.replace(base, ''), s]));
    assert.match(by['/broken']!.error!, /HTTP 500/);
    assert.match(by['/truncated.json']!.error!, /failed|truncated/);
    assert.match(by['/nope.json']!.error!, /HTTP 404/);
    assert.match(by['http://127.0.0.1:1/unreachable.json']!.error!, /cannot fetch/);
    assert.equal(by['/kev.json']!.ok, true);
    assert.equal(r.swapped, true);
  } finally {
    server.close();
  }
});

test('HTTP path on the real ../shared/data files (Debian tracker, Alpine v3.20, KEV): 200 then 304', { skip: haveShared ? false : 'needs ../shared/data' }, async () => {
  const root = SHARED;
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').slice(1));
    if (rel.includes('..')) {
      res.writeHead(400).end();
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(join(root, rel));
    } catch {
      statuses.push(404);
      res.writeHead(404).end();
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    if (req.headers['if-none-match'] === etag) {
      statuses.push(304);
      res.writeHead(304, { etag }).end();
      return;
    }
    statuses.push(200);
    res.writeHead(200, { etag, 'content-length': body.length, 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sources = ['debian-tracker/bookworm-trixie.json', 'alpine-secdb/v3.20/main.json', 'kev/known_exploited_vulnerabilities.json'].map((p) => `${base}/${p}`);
    const cache = tmpCache();
    const a = await updateDb({ cacheDir: cache, sources });
    const b = await updateDb({ cacheDir: cache, sources });
    assert.deepEqual(statuses, [200, 200, 200, 304, 304, 304]);
    assert.ok(a.sources.every((s) => s.ok) && b.sources.every((s) => s.ok && s.notModified));
    assert.equal(b.sources[0]!.stats.vulns, 23409);
    const store = VulnStore.open(b.path);
    try {
      assert.ok(store.namespaces().has('debian:bookworm') && store.namespaces().has('alpine:v3.20'));
      assert.equal(store.info().counts.kev, 1404);
    } finally {
      store.close();
    }
  } finally {
    server.close();
  }
});
