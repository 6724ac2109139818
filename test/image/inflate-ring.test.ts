/**
 * Gzip inflated into reused buffers (src/sources/inflate-ring.ts): the same bytes as node:zlib's gunzip for every
 * way the input can be split, multi-member files and zero padding; zlib's own errors for corrupt and truncated
 * data (the same messages as the stream's), the input's errors as they are; and every chunk is one of the ring's
 * buffers. Through the layer reader: the same entries and contents as the stream path, and the same digests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { ChunkRing } from '../../src/sources/chunk-ring.js';
import { InflateError, inflateIntoRing, syncInflateSupported } from '../../src/sources/inflate-ring.js';
import { blobLayerEntries, LayerError } from '../../src/sources/layer.js';
import { tarBuffer, sha256 } from './support/craft.js';

/** real text: this repository's sources (very compressible: one input chunk gives many output chunks) */
function realText(): Buffer {
  const dir = new URL('../../src/sources/', import.meta.url).pathname;
  return Buffer.concat(readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f))));
}

async function* pieces(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, Math.min(b.length, i + size));
}

/** inflate, copying each chunk before the next is pulled (the ring's contract); the ring's buffers are noted */
async function inflate(gz: Buffer, piece: number, ring = new ChunkRing(64 * 1024)): Promise<{ out: Buffer; chunks: number; consumed: number; buffers: Set<ArrayBufferLike> }> {
  const parts: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  const consumed = { bytes: 0 };
  for await (const c of inflateIntoRing(pieces(gz, piece), ring, consumed)) {
    parts.push(Buffer.from(c));
    buffers.add(c.buffer);
  }
  return { out: Buffer.concat(parts), chunks: parts.length, consumed: consumed.bytes, buffers };
}

async function streamError(gz: Buffer): Promise<string> {
  try {
    for await (const _ of Readable.from([gz]).pipe(createGunzip())) void _;
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

async function ringError(gz: Buffer): Promise<unknown> {
  try {
    await inflate(gz, 1000);
  } catch (e) {
    return e;
  }
  return undefined;
}

test('this runtime exposes the engine calls (else the layer reader would fall back to the stream)', () => {
  assert.equal(syncInflateSupported(), true);
});

test('the same bytes as gunzip, whatever the input pieces; the chunks are the ring buffers, reused', async () => {
  const text = realText();
  assert.ok(text.length > 100_000);
  const gz = gzipSync(text, { level: 9 });
  for (const piece of [1, 7, 511, 4096, 65536, gz.length]) {
    const r = await inflate(piece === 1 ? gzipSync(text.subarray(0, 20_000)) : gz, piece);
    const want = piece === 1 ? text.subarray(0, 20_000) : text;
    assert.equal(r.out.length, want.length, `piece ${piece}`);
    assert.ok(r.out.equals(want), `piece ${piece}`);
    assert.equal(r.consumed, piece === 1 ? gzipSync(text.subarray(0, 20_000)).length : gz.length);
    // ~100 KB+ through 64 KiB buffers: several chunks, never more than the ring's three buffers
    if (piece !== 1) assert.ok(r.chunks >= 2 && r.buffers.size <= 3, `${r.chunks} chunks in ${r.buffers.size} buffers`);
  }
});

test('multi-member files and trailing zero padding read as the stream reads them', async () => {
  const a = realText();
  const b = Buffer.from('second member\n'.repeat(5000));
  const multi = Buffer.concat([gzipSync(a), gzipSync(b), gzipSync(Buffer.alloc(0))]);
  assert.ok((await inflate(multi, 3000)).out.equals(gunzipSync(multi)));
  const padded = Buffer.concat([gzipSync(b), Buffer.alloc(4096)]);
  assert.ok((await inflate(padded, 1000)).out.equals(b));
});

test('corrupt and truncated data: InflateError with the message the stream gives', async () => {
  const gz = gzipSync(realText());
  const truncated = gz.subarray(0, gz.length >> 1);
  const corrupt = Buffer.from(gz);
  corrupt.fill(0xaa, 100, 300);
  const badHeader = Buffer.from(gz);
  badHeader[3] = 0xff; // reserved flag bits
  const garbageAfter = Buffer.concat([gzipSync(Buffer.from('x')), Buffer.from('not gzip')]);
  for (const [name, bad] of [['truncated', truncated], ['corrupt', corrupt], ['bad header', badHeader], ['garbage after a member', garbageAfter]] as const) {
    const e = await ringError(bad);
    assert.ok(e instanceof InflateError, `${name}: ${String(e)}`);
    assert.equal(e.message, await streamError(bad), name);
  }
  assert.match(((await ringError(truncated)) as Error).message, /unexpected end of file/);
});

test('an error of the input passes through as it is', async () => {
  const gz = gzipSync(realText());
  const boom = new Error('read failed');
  async function* failing(): AsyncGenerator<Buffer> {
    yield gz.subarray(0, 1000);
    throw boom;
  }
  await assert.rejects(
    (async () => {
      for await (const _ of inflateIntoRing(failing(), new ChunkRing(), { bytes: 0 })) void _;
    })(),
    (e) => e === boom,
  );
});

test('through the layer reader: the same entries, contents and digests as the node:zlib stream path', async () => {
  const text = realText();
  const items = Array.from({ length: 40 }, (_, i) => ({ name: `srv/f${i}.txt`, content: text.subarray(i * 997, i * 997 + 1 + ((i * 7919) % 90_000)) }));
  const tar = tarBuffer(items);
  const gz = gzipSync(tar);
  const ref = { index: 0, digest: sha256(gz), diffId: sha256(tar), size: gz.length };
  const read = async (reuseBuffers: boolean) => {
    const out: string[] = [];
    const entries = blobLayerEntries(async () => pieces(gz, 8192), ref, { reuseBuffers });
    for await (const e of entries) {
      const h = createHash('sha256');
      for await (const c of e.chunks!()) h.update(c);
      out.push(`${e.meta.path} ${e.meta.size} ${e.transient === true} ${h.digest('hex')}`);
    }
    return { out, stats: entries.stats };
  };
  const ring = await read(true);
  const stream = await read(false);
  assert.equal(ring.out.length, items.length);
  assert.deepEqual(ring.out.map((l) => l.replace(/ (true|false) /, ' ')), stream.out.map((l) => l.replace(/ (true|false) /, ' ')));
  assert.ok(ring.out.every((l) => l.includes(' true ')) && stream.out.every((l) => l.includes(' false ')), 'ring entries are transient, stream ones not');
  assert.deepEqual(ring.stats, stream.stats);
  // a layer that is not what its diff_id says still fails
  const wrong = { ...ref, diffId: sha256(Buffer.from('other')) };
  await assert.rejects(
    (async () => {
      for await (const _ of blobLayerEntries(async () => pieces(gz, 8192), wrong)) void _;
    })(),
    (e) => e instanceof LayerError && /diff_id mismatch/.test(e.message),
  );
});
