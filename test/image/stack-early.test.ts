/**
 * Layers are stacked in order, each as soon as it and every layer below it are walked: while a worker thread walks
 * the big second layer, the main thread, out of layers of its own, stacks the first (never the two above the big
 * one, which it has walked too); the rest once the thread has ended. The final
 * filesystem and the hidden files (deleted, opaque, overwritten, a directory replaced by a file) must be those of a
 * walk on the main thread alone, which stacks every layer after the walk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openImage } from '../../src/sources/index.js';
import { lastScanStats, scanImage } from '../../src/image/scan.js';
import type { ImageScan } from '../../src/image/types.js';
import { prestartWalkers } from '../../src/image/prestart.js';
import { packageDetectors } from '../../src/app/analyzers.js';
import { dockerArchiveBuffer, tarBuffer, type CraftedLayer } from './support/craft.js';

const work = mkdtempSync(join(tmpdir(), 'bulwark-stack-early-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const layers: CraftedLayer[] = [
  {
    tar: tarBuffer([
      { name: 'etc/', type: '5' },
      { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\n' },
      { name: 'etc/secret.env', content: 'TOKEN=1\n' },
      { name: 'opt/', type: '5' },
      { name: 'opt/old/', type: '5' },
      { name: 'opt/old/a', content: 'a' },
      { name: 'srv/', type: '5' },
      { name: 'srv/data/', type: '5' },
      { name: 'srv/data/x', content: 'x' },
      { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n\n' },
    ]),
    compression: 'none',
  },
  // the big layer: deletes a file of layer 0, adds one the next layer overwrites, and bulk
  {
    tar: tarBuffer([
      { name: 'etc/', type: '5' },
      { name: 'etc/.wh.secret.env', content: '' },
      { name: 'etc/motd', content: 'hi' },
      { name: 'pad/', type: '5' },
      { name: 'pad/big', content: Buffer.alloc(40 * 1024 * 1024, 0x61) },
    ]),
    compression: 'none',
  },
  // an opaque directory, and a file overwritten
  {
    tar: tarBuffer([
      { name: 'opt/', type: '5' },
      { name: 'opt/old/', type: '5' },
      { name: 'opt/old/.wh..wh..opq', content: '' },
      { name: 'opt/old/b', content: 'b' },
      { name: 'etc/motd', content: 'hello' },
    ]),
    compression: 'none',
  },
  // a directory replaced by a file, a whiteout of layer 2's file
  { tar: tarBuffer([{ name: 'srv/data', content: 'now a file' }, { name: 'opt/old/.wh.b', content: '' }]), compression: 'none' },
];
const image = join(work, 'image.tar');
writeFileSync(image, dockerArchiveBuffer(layers, { repoTag: 'stack/early:1' }));

const view = (s: ImageScan) =>
  JSON.stringify({
    final: [...s.final].map(([p, f]) => [p, f.layerIndex, f.meta.type]),
    hidden: s.hidden.map((h) => [h.meta.path, h.layerIndex, h.hiddenBy, h.how]),
  });

test('layers stacked while a worker walks a lower one give the stack of a walk on the main thread', async () => {
  let idles = 0;
  const onIdle = () => {
    idles++;
    throw new Error('a caller\'s failure is not the walk\'s');
  };
  const onMain = await scanImage(await openImage(image), [...packageDetectors], { noCache: true, walkIn: 'main', onIdle });
  assert.equal(lastScanStats.layersStackedEarly, 0, 'a walk on the main thread stacks after the walk');
  assert.equal(idles, 0, 'a walk on the main thread alone never waits on a thread');
  const expected = view(onMain);
  // what the stack must hold
  assert.ok(!onMain.final.has('etc/secret.env') && onMain.final.get('etc/motd')!.layerIndex === 2);
  assert.ok(!onMain.final.has('opt/old/a') && !onMain.final.has('opt/old/b') && !onMain.final.has('srv/data/x'));
  assert.equal(onMain.final.get('srv/data')!.meta.type, 'file');
  assert.deepEqual(
    onMain.hidden.map((h) => `${h.meta.path}@${h.layerIndex}:${h.how}`).sort(),
    ['etc/motd@1:overwritten', 'etc/secret.env@0:whiteout', 'opt/old/a@0:opaque', 'opt/old/b@2:whiteout', 'srv/data/x@0:overwritten'],
  );

  const img = await openImage(image);
  const walkers = prestartWalkers(img, 2);
  try {
    const joined = await scanImage(img, [...packageDetectors], { noCache: true, concurrency: 2, walkers, onIdle });
    assert.equal(idles, 1, 'onIdle: once, when the main thread waits on the thread');
    assert.equal(lastScanStats.layersInWorkers, 1, 'the big layer in the thread, the small ones on the main thread');
    assert.equal(lastScanStats.layersStackedEarly, 1, 'the main thread stacked the layer below the thread\'s while it waited');
    assert.equal(view(joined), expected);
  } finally {
    await (await walkers)?.stop();
    await img.close();
  }
});

test('--skip-dirs applies to the layers stacked early as to the others', async () => {
  const skipPath = (p: string) => p === 'etc' || p.startsWith('etc/');
  const onMain = await scanImage(await openImage(image), [...packageDetectors], { noCache: true, walkIn: 'main', skipPath });
  assert.ok(![...onMain.final.keys()].some((p) => p.startsWith('etc')));
  const img = await openImage(image);
  const walkers = prestartWalkers(img, 2);
  try {
    const joined = await scanImage(img, [...packageDetectors], { noCache: true, concurrency: 2, walkers, skipPath });
    assert.equal(lastScanStats.layersStackedEarly, 1);
    assert.equal(view(joined), view(onMain));
    assert.equal(JSON.stringify(joined.layers.map((l) => l.entries.map((e) => e.path))), JSON.stringify(onMain.layers.map((l) => l.entries.map((e) => e.path))));
  } finally {
    await (await walkers)?.stop();
    await img.close();
  }
});
