/**
 * Reused buffers (src/sources/chunk-ring.ts): an uncompressed tar layer read from a file takes its chunks from a
 * ring of three 1 MiB buffers, and a gzip layer is inflated into another ring (src/sources/inflate-ring.ts, its
 * compressed input read through the first), so a chunk's bytes are overwritten three chunks later. Analyzers get
 * views into them for the time of their call; everything kept past that (the walker's hardlink targets, a
 * read-ahead stream) must be a copy. These tests hash what each analyzer call sees and what each stream kept, and
 * compare with what was written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readRange } from '../../src/sources/blobstore.js';
import { ChunkRing } from '../../src/sources/chunk-ring.js';
import { blobLayerEntries } from '../../src/sources/layer.js';
import { resolveLinks, walkEntries } from '../../src/image/walk.js';
import type { LayerAnalyzer } from '../../src/image/types.js';
import { tarBuffer, type TarItem } from './support/craft.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** ~9 MiB of files from 1 byte to 700 KiB (many cross a 1 MiB chunk boundary, many sit inside one), distinct bytes */
function items(): TarItem[] {
  const out: TarItem[] = [];
  let x = 0x9e3779b9;
  const sizes = [1, 100, 511, 512, 513, 4095, 4096, 65536, 200_000, 700_000, 300_000, 999_000, 1_048_576, 3000];
  for (let i = 0; i < 60; i++) {
    const n = sizes[i % sizes.length]!;
    const b = Buffer.allocUnsafe(n);
    for (let k = 0; k < n; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[k] = x & 0xff;
    }
    out.push({ name: `d/f${i}`, content: b });
    if (i % 7 === 3) out.push({ name: `d/link${i}`, type: '1', linkname: `d/f${i}` });
  }
  // hardlinks long after their targets (the ring has wrapped many times): served from what the walker kept
  for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]) out.push({ name: `d/late${i}`, type: '1', linkname: `d/f${i}` });
  return out;
}

for (const kind of ['uncompressed tar', 'gzip'] as const) test(`a layer (${kind}) read through the rings: every kept content, hardlink and stream is intact at the end`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-ring-'));
  try {
    const list = items();
    const plain = tarBuffer(list);
    // level 1: the compressed blob still spans several 1 MiB input chunks
    const tar = kind === 'gzip' ? gzipSync(plain, { level: 1 }) : plain;
    assert.ok(tar.length > 3 * 1024 * 1024);
    const file = join(dir, 'layer.tar');
    writeFileSync(file, tar);
    const want = new Map(list.filter((i) => i.content).map((i) => [i.name as string, sha(i.content as Buffer)]));
    let ringUsed = false;
    const open = async (ring: ChunkRing) => {
      const src = readRange(file, 0, tar.length, false, ring);
      return (async function* () {
        for await (const c of src) {
          ringUsed ||= ring.enabled;
          yield c;
        }
      })();
    };
    // an analyzer is handed a view into the reused buffers, valid during its call (LayerAnalyzer.analyze): what it
    // sees then must be the file's bytes, also for hardlinks served from the contents the walker kept
    const seen = new Map<string, string>();
    const keeper: LayerAnalyzer<number> = {
      name: 'keeper',
      version: 1,
      maxFileSize: 2 * 1024 * 1024,
      wants: (m) => m.type === 'file' || m.type === 'hardlink',
      async analyze(meta, content) {
        // and until its promise settles
        await new Promise((r) => setImmediate(r));
        seen.set(meta.path, sha(content));
        return content.length;
      },
    };
    const ctx = { layer: { index: 0, digest: '' }, imageName: 't' };
    const w = await walkEntries(blobLayerEntries(open, { index: 0, digest: '' }), [keeper], ctx);
    // hardlinks to big targets are served by a second read of the layer
    await resolveLinks(() => blobLayerEntries(open, { index: 0, digest: '' }), w, ctx);
    assert.ok(ringUsed, `the ring was enabled for a layer (${kind}) read from a file`);
    assert.equal(w.warnings.length, 0, w.warnings.join('; '));
    for (const [name, digest] of want) assert.equal(seen.get(name), digest, name);
    const links = list.filter((it) => it.type === '1');
    assert.ok(links.length >= 18);
    for (const i of links) assert.equal(seen.get(i.name as string), want.get(i.linkname as string), `hardlink ${i.name}`);

    // entries read as streams (which read ahead) get copies too
    const streamed = new Map<string, Buffer[]>();
    for await (const e of blobLayerEntries(open, { index: 0, digest: '' })) {
      if (e.meta.type !== 'file') continue;
      const parts: Buffer[] = [];
      streamed.set(e.meta.path, parts);
      for await (const c of e.stream) parts.push(c as Buffer);
    }
    for (const [name, digest] of want) assert.equal(sha(Buffer.concat(streamed.get(name)!)), digest, `stream ${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the ring stays off for gzip through the node:zlib stream (it holds its input) and for sources that do not read through it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-ring-'));
  try {
    const tar = tarBuffer(items().slice(0, 20));
    const gz = gzipSync(tar);
    const file = join(dir, 'layer.tar.gz');
    writeFileSync(file, gz);
    let ring: ChunkRing | undefined;
    const entries = blobLayerEntries(async (r) => ((ring = r), readRange(file, 0, gz.length, false, r)), { index: 0, digest: '' }, { reuseBuffers: false });
    let n = 0;
    for await (const e of entries) {
      assert.ok(!e.transient);
      n++;
    }
    assert.ok(n >= 20);
    assert.equal(ring!.accepted, true);
    assert.equal(ring!.enabled, false);
    // a source that yields its own buffers: the entries are not transient (no copies needed)
    for await (const e of blobLayerEntries(async () => [tar], { index: 0, digest: '' })) assert.ok(!e.transient);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readRange turns the event loop while a consumer works through its chunks without any I/O of its own', async () => {
  // a worker thread's reply is a message: a main thread that walks a layer of its own must still receive it, and
  // hand that thread its next layer, long before its own layer ends
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-ring-'));
  try {
    const file = join(dir, 'blob');
    writeFileSync(file, Buffer.alloc(40 * 1024 * 1024, 7));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let chunks = 0;
    let ticksAtFirst = -1;
    let ticksAtHalf = -1;
    try {
      for await (const c of readRange(file, 0, 40 * 1024 * 1024)) {
        // ~4 ms of synchronous work per MiB, as inflating and scanning it takes
        const until = performance.now() + 4;
        while (performance.now() < until) void c[0];
        if (++chunks === 1) ticksAtFirst = ticks;
        if (chunks === 20) ticksAtHalf = ticks;
      }
    } finally {
      clearInterval(timer);
    }
    assert.equal(chunks, 40);
    // about 80 ms of work from the 1st to the 20th chunk: the loop turned every ~10 ms, so the 1 ms timer ran
    // several times (a generator's yield alone never lets it run)
    assert.ok(ticksAtHalf - ticksAtFirst >= 3, `timer ran ${ticksAtHalf - ticksAtFirst} times from the 1st to the 20th chunk`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
