/**
 * The report cache behind GET /api/v1/vulnerabilities/{digest}: an LRU bounded by the bytes it holds
 * (compressed variants counted), and the header logic of the cached path (Accept-Encoding, If-None-Match).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteLru, etagMatches, pickEncoding, type CachedReport } from '../../src/server/vulns.js';

const entry = (kib: number): CachedReport => ({ body: Buffer.alloc(kib * 1024, 0x20), etag: '"x"' });

test('the report cache keeps within its byte budget, evicting the least recently used', () => {
  const lru = new ByteLru(1024 * 1024);
  for (let i = 0; i < 10; i++) lru.set(`r${i}`, entry(200));
  assert.ok(lru.bytes <= 1024 * 1024, `${lru.bytes} bytes held`);
  assert.equal(lru.size, 5);
  assert.equal(lru.get('r0'), undefined, 'the oldest went first');
  assert.ok(lru.get('r5'), 'r5 is kept and now the most recently used');
  lru.set('r10', entry(200));
  assert.ok(lru.get('r5'), 'a read protects an entry from eviction');
  assert.equal(lru.get('r6'), undefined);

  // a compressed variant added later is counted once the entry is stored again
  const e = lru.get('r9')!;
  const before = lru.bytes;
  e.gzip = Buffer.alloc(50 * 1024);
  lru.set('r9', e);
  assert.equal(lru.size, 4, 'counting the variant pushed the least recently used entry out');
  assert.equal(lru.bytes, before + 50 * 1024 - (200 * 1024 + 256));
  assert.ok(lru.bytes <= 1024 * 1024);
  assert.equal(lru.get('r9')?.gzip?.length, 50 * 1024);

  // one entry larger than a quarter of the budget is not kept (it would evict everything else)
  lru.set('huge', entry(300));
  assert.equal(lru.get('huge'), undefined);
  lru.delete('r9');
  assert.equal(lru.get('r9'), undefined);
  lru.clear();
  assert.equal(lru.bytes, 0);
});

test('Accept-Encoding picks br, then gzip; q=0 refuses a coding', () => {
  assert.equal(pickEncoding(undefined), undefined);
  assert.equal(pickEncoding('identity'), undefined);
  assert.equal(pickEncoding('gzip, deflate'), 'gzip');
  assert.equal(pickEncoding('gzip, deflate, br'), 'br');
  assert.equal(pickEncoding('br;q=0, gzip;q=0.8'), 'gzip');
  assert.equal(pickEncoding('GZIP;q=0.000'), undefined);
  assert.equal(pickEncoding('*'), 'br');
});

test('If-None-Match names a report by its strong or weak tag, in any of its encodings', () => {
  const tag = '"abc_DEF-123"';
  for (const h of [tag, 'W/"abc_DEF-123"', '"abc_DEF-123-gzip"', '"abc_DEF-123-br"', '"zzz", "abc_DEF-123"', '*']) assert.ok(etagMatches(h, tag), h);
  for (const h of [undefined, '', '"abc_DEF-12"', 'abc_DEF-123', '"abc_DEF-123-deflate"', '"other"']) assert.ok(!etagMatches(h, tag), String(h));
});
