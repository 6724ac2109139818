/**
 * docker:NAME read straight from the engine's overlay2 storage (tar-split + diff directories, as `docker save`
 * rebuilds layers): the same result as the Engine API save stream, the diff_id still verified (a file changed in
 * the storage is an error), and hostile tar-split records refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { tempDir } from '../support/tmp.js';
import { openImage } from '../../src/sources/index.js';
import { scanImage, lastScanStats } from '../../src/image/scan.js';
import { tarSplitStream } from '../../src/sources/tar-split.js';
import { chainIds } from '../../src/sources/engine-storage.js';
import type { ImageScan, LayerAnalyzer } from '../../src/image/types.js';
import { imageScanAnalyzers } from '../../src/app/analyzers.js';

const engine = dockerAvailable();
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const overlay2 = engine && execFileSync('docker', ['info', '-f', '{{.Driver}}'], { encoding: 'utf8' }).trim() === 'overlay2';
const skip = !engine ? 'no Docker engine' : !root ? 'needs root (reads the engine storage)' : !overlay2 ? 'the engine does not use overlay2' : false;
const IMAGE = `bulwark-test/perf-storage-${process.pid}:1`;
const TAMPER = `bulwark-test/perf-storage-tamper-${process.pid}:1`;

const DOCKERFILE = `FROM bulwark-test/alpine:3.20.3
RUN rm /etc/motd && echo 'password = "hunter2hunter2"' > /etc/app.conf && ln /bin/busybox /bin/bb-link && mkdir -p /opt/d && echo x > /opt/d/f
RUN rm -rf /opt/d && mkdir /opt/d && echo y > /opt/d/g
`;

const text: LayerAnalyzer<string> = { name: 'text', version: 1, wants: (m) => m.path.startsWith('etc/') && m.size < 4096, analyze: (_m, c) => c.toString('latin1') };

function view(s: ImageScan) {
  return {
    layers: s.layers.map((l) => ({ entries: l.entries, whiteouts: l.whiteouts, opaqueDirs: l.opaqueDirs, analyses: l.analyses, size: l.uncompressedSize, warnings: l.warnings })),
    final: [...s.final].map(([p, f]) => `${p}@${f.layerIndex}`),
    hidden: s.hidden.map((h) => `${h.meta.path}@${h.layerIndex}:${h.how}@${h.hiddenBy}`),
    config: s.image.config,
    createdBy: s.image.layers.map((l) => l.createdBy),
  };
}

before(() => {
  if (skip) return;
  ensureAlpineImage();
  for (const tag of [IMAGE, TAMPER]) execFileSync('docker', ['build', '-q', '--network', 'none', '-t', tag, '-'], { input: DOCKERFILE.replace('hunter2', tag === TAMPER ? 'tamper1' : 'hunter2'), stdio: ['pipe', 'ignore', 'inherit'], timeout: 300_000 });
});

after(() => {
  if (skip) return;
  for (const tag of [IMAGE, TAMPER]) execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
});

test('docker: from the engine storage equals docker: through the save stream, in threads and on the main thread', { skip }, async () => {
  const analyzers = [text, ...(await imageScanAnalyzers())];
  const direct = await openImage(`docker:${IMAGE}`);
  assert.ok(direct.layerBlob, 'the overlay2 storage is used');
  assert.equal(direct.streamLayers, undefined);
  const viaApi = await openImage(`docker:${IMAGE}`, { engineRead: 'api' });
  assert.equal(viaApi.layerBlob, undefined);
  const a = await scanImage(viaApi, analyzers, { noCache: true });
  const onMain = await scanImage(direct, analyzers, { noCache: true, walkIn: 'main' });
  assert.equal(lastScanStats.layersInWorkers, 0);
  // analyzers defined here cannot go to a worker: the walk with the real analyzers only does
  const inThreads = await scanImage(await openImage(`docker:${IMAGE}`), analyzers.slice(1), { noCache: true, walkIn: 'threads' });
  assert.equal(lastScanStats.layersInWorkers, 3);
  const apiNoText = await scanImage(await openImage(`docker:${IMAGE}`, { engineRead: 'api' }), analyzers.slice(1), { noCache: true });
  // the save stream is one pass: a hardlink whose target was not kept gets a warning there, a second read here
  const noLinkWarnings = (v: ReturnType<typeof view>) => ({ ...v, layers: v.layers.map((l) => ({ ...l, warnings: l.warnings.filter((w) => !/one-pass read/.test(w)) })) });
  assert.deepEqual(noLinkWarnings(view(onMain)), noLinkWarnings(view(a)));
  assert.deepEqual(noLinkWarnings(view(inThreads)), noLinkWarnings(view(apiNoText)));
  assert.equal((onMain.layers[1]!.analyses.text as Record<string, string>)['etc/app.conf'], 'password = "hunter2hunter2"\n');
  assert.ok(onMain.layers[2]!.opaqueDirs.length + onMain.layers[2]!.whiteouts.length > 0, 'the third layer removes and replaces /opt/d');
});

test('docker: from the engine storage verifies the diff_id: a file changed in the storage is an error', { skip }, async () => {
  const img = await openImage(`docker:${TAMPER}`);
  const blob = await img.layerBlob!(1);
  assert.equal(blob?.kind, 'tar-split');
  const file = join((blob as { root: string }).root, 'etc/app.conf');
  const orig = readFileSync(file);
  writeFileSync(file, Buffer.from(orig.toString('latin1').replace('tamper1', 'tamperX'), 'latin1'));
  try {
    await assert.rejects(scanImage(img, [text], { noCache: true }), /diff_id mismatch/);
  } finally {
    writeFileSync(file, orig);
  }
  await scanImage(await openImage(`docker:${TAMPER}`), [text], { noCache: true });
});

test('docker: through the save stream reads the engine\'s config even when the stream writes it after every layer', { skip }, async () => {
  // Docker 20.10 writes the save tar's members in name order: the config (<id>.json) comes after the layer
  // directories when its id sorts after theirs. Built with labels until one does. The image is the base layer
  // alone: a lower layer's directory is named after its content only (the Alpine base's is fixed, e0ed...), the top
  // layer's after the config too, so with one layer every label gives the config an even chance to sort last
  // (with the RUN layers of DOCKERFILE above, cached for the whole run, some runs had almost none).
  // Each try is built afresh (--no-cache: a new creation time, so a new id) and removed in the end: built from the
  // cache, a try reused the untagged image of an earlier run, which the engine once lost between the build and the
  // tag ("unable to find image"); a build that fails is tried again once.
  const tag = `bulwark-test/perf-storage-order-${process.pid}:1`;
  const built = new Set<string>();
  const build = (i: number) =>
    execFileSync('docker', ['build', '-q', '--no-cache', '--network', 'none', '-t', tag, '-'], { input: `FROM bulwark-test/alpine:3.20.3\nLABEL try="${i}"\n`, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], timeout: 300_000 });
  let after = false;
  try {
    for (let i = 0; i < 40 && !after; i++) {
      try {
        build(i);
      } catch {
        build(i);
      }
      const names = execFileSync('sh', ['-c', `docker save '${tag}' | tar -t`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
      const id = execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', tag], { encoding: 'utf8' }).trim().slice(7);
      built.add(id);
      const config = names.indexOf(`${id}.json`);
      const lastLayer = Math.max(...names.map((n, k) => (n.endsWith('/layer.tar') ? k : -1)));
      after = config > lastLayer && lastLayer >= 0;
    }
    assert.ok(after, 'an image whose config member comes after its layers');
    const viaApi = await scanImage(await openImage(`docker:${tag}`, { engineRead: 'api' }), [text], { noCache: true });
    const direct = await scanImage(await openImage(`docker:${tag}`), [text], { noCache: true, walkIn: 'main' });
    assert.ok('container_config' in (viaApi.image.config as object), 'the engine\'s own config, not the one derived from /json and /history');
    assert.deepEqual(viaApi.image.config, direct.image.config);
  } finally {
    spawnSync('docker', ['rmi', '-f', tag, ...built], { stdio: 'ignore' });
  }
});

test('layer chain IDs follow the image spec', () => {
  const [a, b] = ['sha256:' + 'a'.repeat(64), 'sha256:' + 'b'.repeat(64)];
  const c = chainIds([a, b]);
  assert.equal(c[0], a);
  assert.match(c[1]!, /^sha256:[a-f0-9]{64}$/);
  assert.notEqual(c[1], b);
});

test('hostile tar-split records: names outside the layer and paths through symlinks are refused', async () => {
  const dir = tempDir('bw-tarsplit-');
  const rootDir = join(dir, 'diff');
  mkdirSync(join(rootDir, 'ok'), { recursive: true });
  writeFileSync(join(rootDir, 'ok', 'f'), 'hello');
  symlinkSync('/etc', join(rootDir, 'evil'));
  const split = (records: object[]) => {
    const p = join(dir, `ts-${Math.random().toString(16).slice(2)}.json.gz`);
    writeFileSync(p, gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n'));
    return p;
  };
  const read = async (p: string) => {
    const parts: Buffer[] = [];
    for await (const c of tarSplitStream(p, rootDir)) parts.push(Buffer.from(c));
    return Buffer.concat(parts);
  };
  const seg = (s: string) => ({ type: 2, payload: Buffer.from(s).toString('base64') });
  assert.equal((await read(split([seg('<h>'), { type: 1, name: 'ok/f', size: 5 }, seg('<pad>')]))).toString(), '<h>hello<pad>');
  await assert.rejects(read(split([{ type: 1, name: '../../etc/passwd', size: 5 }])), /outside the layer/);
  await assert.rejects(read(split([{ type: 1, name: 'evil/passwd', size: 5 }])), /not reachable through directories/);
  await assert.rejects(read(split([{ type: 1, name: 'ok/f', size: 50 }])), /shorter than the layer records/);
  await assert.rejects(read(split([{ type: 7 }])), /unknown tar-split record type/);
  const garbage = join(dir, 'garbage.gz');
  writeFileSync(garbage, 'not gzip at all');
  await assert.rejects(read(garbage), /unreadable tar-split record/);
});

test('a tar-split read that stops early, or fails, closes the record file', async () => {
  const dir = tempDir('bw-tarsplit-close-');
  const rootDir = join(dir, 'diff');
  mkdirSync(join(rootDir, 'ok'), { recursive: true });
  writeFileSync(join(rootDir, 'ok', 'big'), randomBytes(3 * 1024 * 1024));
  // records of random payload after the file: the compressed record file is read in several chunks
  const records = [{ type: 1, name: 'ok/big', size: 3 * 1024 * 1024 }, ...Array.from({ length: 300 }, () => ({ type: 2, payload: randomBytes(2048).toString('base64') }))];
  const p = join(dir, 'ts.json.gz');
  writeFileSync(p, gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n'));
  const bad = join(dir, 'bad.json.gz');
  writeFileSync(bad, gzipSync([...records, { type: 7 }].map((r) => JSON.stringify(r)).join('\n') + '\n'));
  const fds = () => readdirSync('/proc/self/fd').length;
  const settle = () => new Promise((r) => setTimeout(r, 50));
  await settle();
  const before = fds();
  for await (const c of tarSplitStream(p, rootDir)) {
    assert.ok(c.length > 0);
    break; // the first chunk only
  }
  await settle();
  assert.equal(fds(), before, 'stopped early');
  await assert.rejects(async () => {
    for await (const c of tarSplitStream(bad, rootDir)) void c;
  }, /unknown tar-split record type/);
  await settle();
  assert.equal(fds(), before, 'failed');
});
