/**
 * Walker threads started before the walk (src/image/prestart.ts): only for sources with layers on disk and enough
 * bytes; a walk in threads uses them (and gives what a walk on the main thread gives); the scan stops them when its
 * walk ends, used or not (their heaps would otherwise add to the memory the scan holds after the walk).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openImage } from '../../src/sources/index.js';
import { lastScanStats, scanImage } from '../../src/image/scan.js';
import { prestartWalkers, WORKER_MIN_BYTES } from '../../src/image/prestart.js';
import { packageDetectors } from '../../src/app/analyzers.js';
import { dockerArchiveBuffer, tarBuffer, type CraftedLayer } from './support/craft.js';

const work = mkdtempSync(join(tmpdir(), 'bulwark-prestart-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const pad = (n: number) => Buffer.alloc(n, 0x61);
const layers: CraftedLayer[] = [
  {
    tar: tarBuffer([
      { name: 'etc/', type: '5' },
      { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n' },
      { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\no:busybox\n\n' },
      { name: 'pad/a', content: pad(18 * 1024 * 1024) },
    ]),
    compression: 'none',
  },
  {
    tar: tarBuffer([
      { name: 'app/', type: '5' },
      { name: 'app/requirements.txt', content: 'flask==2.0.0\n' },
      { name: 'usr/lib/python3.12/site-packages/flask-2.0.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: Flask\nVersion: 2.0.0\n' },
      { name: 'pad/b', content: pad(18 * 1024 * 1024) },
    ]),
    compression: 'none',
  },
];
const big = join(work, 'big.tar');
writeFileSync(big, dockerArchiveBuffer(layers, { repoTag: 'prestart/big:1' }));
const small = join(work, 'small.tar');
writeFileSync(small, dockerArchiveBuffer([{ tar: tarBuffer([{ name: 'etc/os-release', content: 'ID=alpine\n' }]), compression: 'none' }], { repoTag: 'prestart/small:1' }));

const comparable = (s: Awaited<ReturnType<typeof scanImage>>) => JSON.stringify({ layers: s.layers.map((l) => ({ entries: l.entries, analyses: l.analyses, whiteouts: l.whiteouts })), final: [...s.final.keys()] });

test('no threads are started ahead for a small image, or for a source without layers on disk', async () => {
  const img = await openImage(small);
  try {
    assert.equal(prestartWalkers(img), undefined);
  } finally {
    await img.close();
  }
  const b = await openImage(big);
  try {
    assert.ok(b.layers.reduce((a, l) => a + (l.size ?? 0), 0) >= WORKER_MIN_BYTES);
    assert.equal(prestartWalkers({ ...b, layerBlob: undefined }), undefined);
    // a registry's layers are all walked in threads, the main thread receives: as many as the walk will want
    assert.equal(prestartWalkers({ ...b, kind: 'registry' }), undefined);
  } finally {
    await b.close();
  }
});

test('threads started ahead are the ones a walk in threads uses, with the same result as the main thread, and stop', async () => {
  const onMain = await scanImage(await openImage(big), [...packageDetectors], { noCache: true, walkIn: 'main' });
  assert.equal(lastScanStats.layersInWorkers, 0);
  const img = await openImage(big);
  const walkers = prestartWalkers(img, 2);
  assert.ok(walkers, 'a 36 MiB image on disk gets threads ahead');
  const w = (await walkers)!;
  try {
    assert.equal(w.pool.threads.length, 1, 'one thread boots ahead');
    // one layer at a time, in the thread started ahead
    let most = 0;
    const onProgress = () => void (most = Math.max(most, w.pool.threads.length));
    const inThreads = await scanImage(img, [...packageDetectors], { noCache: true, walkIn: 'threads', concurrency: 1, walkers, onProgress });
    assert.equal(lastScanStats.layersInWorkers, 2);
    assert.equal(w.pool.completed, 2, 'both layers went through the thread started ahead');
    assert.equal(most, 1, 'and no other thread was started');
    assert.equal(w.pool.threads.length, 0, 'the scan stopped it when its walk ended');
    assert.equal(comparable(inThreads), comparable(onMain));
    assert.match(JSON.stringify(inThreads.layers[0]!.analyses), /busybox/);
    assert.match(JSON.stringify(inThreads.layers[1]!.analyses), /Flask/i);
  } finally {
    await w.stop();
    await w.stop();
    await img.close();
  }
  assert.equal(w.pool.threads.length, 0);
});

test('threads started ahead that the walk does not use are stopped all the same', async () => {
  const img = await openImage(big);
  const walkers = prestartWalkers(img);
  const w = (await walkers)!;
  try {
    await scanImage(img, [...packageDetectors], { noCache: true, walkIn: 'main', walkers });
    assert.equal(lastScanStats.layersInWorkers, 0);
    assert.equal(w.pool.completed, 0);
    assert.equal(w.pool.threads.length, 0, 'the scan stopped the unused thread when its walk ended');
  } finally {
    await w.stop();
    await img.close();
  }
  assert.equal(w.pool.threads.length, 0);
});

test('the main thread walks beside a thread started ahead (auto), and the result is the main thread\'s alone', async () => {
  const onMain = await scanImage(await openImage(big), [...packageDetectors], { noCache: true, walkIn: 'main' });
  const img = await openImage(big);
  const walkers = prestartWalkers(img, 2);
  const w = (await walkers)!;
  try {
    const joined = await scanImage(img, [...packageDetectors], { noCache: true, concurrency: 2, walkers });
    assert.equal(lastScanStats.layersInWorkers, 1, 'one layer in the thread, the other on the main thread');
    assert.equal(w.pool.completed, 1);
    assert.equal(comparable(joined), comparable(onMain));
  } finally {
    await w.stop();
    await img.close();
  }
});
