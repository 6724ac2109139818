/**
 * Real engine: the Alpine minirootfs imported, two `docker build` layers on top (a deletion, an opaque
 * directory, changed files). Scanned as docker:NAME (Engine API stream), as a `docker save` tar and as an
 * OCI layout made by skopeo: the same final filesystem, the same per-layer attribution, the same hidden files.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAlpineImage, dockerAvailable } from '../support/images.js';
import { openImage } from '../../src/sources/index.js';
import { openDockerDaemon } from '../../src/sources/docker-daemon.js';
import { EngineClient } from '../../src/sources/engine/client.js';
import { scanImage, lastScanStats } from '../../src/image/scan.js';
import { analyzeImage } from '../../src/image/pipeline.js';
import type { ImageScan, LayerAnalyzer } from '../../src/image/types.js';

const SHARED_ROOTFS = join(import.meta.dirname, '../../../shared/data/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz');
const IMAGE = 'bulwark-test/walker:2layer';
const engine = dockerAvailable();
const skip = engine ? (existsSync(SHARED_ROOTFS) ? false : 'needs ../shared/data/rootfs (the Alpine minirootfs)') : 'no Docker engine';
const work = mkdtempSync(join(tmpdir(), 'bulwark-engine-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const DOCKERFILE = `FROM bulwark-test/alpine:3.20.3
RUN rm /etc/motd && echo hello > /etc/app.conf && mkdir -p /opt/app && echo 1 > /opt/app/v
RUN rm -rf /etc/apk/keys && mkdir /etc/apk/keys && echo k > /etc/apk/keys/mine.pub && echo 2 > /opt/app/v && chmod 4755 /opt/app/v
`;

const apk: LayerAnalyzer<number> = {
  name: 'apk-count',
  version: 1,
  wants: (m) => m.path === 'lib/apk/db/installed',
  analyze: (_m, c) => (c.toString().match(/^P:/gm) ?? []).length,
};

function summary(s: ImageScan) {
  return {
    final: [...s.final].map(([p, f]) => `${p} ${f.meta.type} ${f.meta.mode.toString(8)} ${f.meta.size} ${f.meta.linkname ?? ''} @${f.layerIndex}`).sort(),
    hidden: s.hidden.map((h) => `${h.meta.path} @${h.layerIndex} ${h.how} @${h.hiddenBy}`).sort(),
    createdBy: s.image.layers.map((l) => l.createdBy ?? ''),
    apk: s.layers.map((l) => l.analyses['apk-count']),
  };
}

let saveTar = '';
let ociDir = '';

before(() => {
  if (skip) return;
  ensureAlpineImage();
  execFileSync('docker', ['build', '-q', '--network', 'none', '-t', IMAGE, '-'], { input: DOCKERFILE, stdio: ['pipe', 'ignore', 'inherit'], timeout: 300_000 });
  saveTar = join(work, 'save.tar');
  execFileSync('docker', ['save', '-o', saveTar, IMAGE], { timeout: 300_000 });
  ociDir = join(work, 'oci');
  execFileSync('skopeo', ['copy', '-q', `docker-daemon:${IMAGE}`, `oci:${ociDir}:2layer`], { timeout: 300_000, stdio: ['ignore', 'ignore', 'inherit'] });
});

test('docker:NAME, docker save tar and skopeo OCI layout give identical results', { skip }, async () => {
  const viaEngine = await scanImage(await openImage(`docker:${IMAGE}`), [apk], { noCache: true });
  const viaSave = await scanImage(await openImage(saveTar), [apk], { noCache: true });
  const viaOci = await scanImage(await openImage(`oci:${ociDir}:2layer`), [apk], { noCache: true });
  const e = summary(viaEngine);
  assert.deepEqual(summary(viaSave), e);
  assert.deepEqual(summary(viaOci), e);
  assert.equal(viaEngine.image.configDigest, viaSave.image.configDigest);

  // attribution and hidden files as the Dockerfile made them
  assert.equal(viaEngine.layers.length, 3);
  assert.equal(viaEngine.final.get('etc/app.conf')?.layerIndex, 1);
  assert.equal(viaEngine.final.get('opt/app/v')?.layerIndex, 2);
  assert.equal(viaEngine.final.get('opt/app/v')?.meta.mode, 0o4755);
  assert.equal(viaEngine.final.get('etc/apk/keys/mine.pub')?.layerIndex, 2);
  assert.equal(viaEngine.final.get('etc/os-release')?.layerIndex, 0);
  assert.equal(viaEngine.final.has('etc/motd'), false);
  const hidden = (p: string) => viaEngine.hidden.find((h) => h.meta.path === p);
  assert.deepEqual({ ...hidden('etc/motd'), meta: undefined }, { meta: undefined, layerIndex: 0, hiddenBy: 1, how: 'whiteout' });
  assert.deepEqual({ ...hidden('opt/app/v'), meta: undefined }, { meta: undefined, layerIndex: 1, hiddenBy: 2, how: 'overwritten' });
  const keys = viaEngine.hidden.filter((h) => h.meta.path.startsWith('etc/apk/keys/alpine-devel'));
  assert.ok(keys.length > 0 && keys.every((h) => h.hiddenBy === 2 && h.layerIndex === 0 && (h.how === 'opaque' || h.how === 'whiteout')), JSON.stringify(keys.map((k) => k.how)));
  assert.deepEqual(e.apk, [{ 'lib/apk/db/installed': 14 }, {}, {}], 'only the base layer holds the apk database');
  assert.match(e.createdBy[1]!, /rm \/etc\/motd/);
  assert.match(e.createdBy[2]!, /rm -rf \/etc\/apk\/keys/);
});

test('rootfs: of the Alpine minirootfs equals the base layer of the imported image', { skip }, async () => {
  const rootfs = await scanImage(await openImage(`rootfs:${SHARED_ROOTFS}`), [apk], { noCache: true });
  const viaEngine = await scanImage(await openImage(`docker:${IMAGE}`), [apk], { noCache: true });
  const base = viaEngine.layers[0]!.entries.map((e) => `${e.path} ${e.type} ${e.size} ${e.linkname ?? ''}`).sort();
  const fromRootfs = rootfs.layers[0]!.entries.map((e) => `${e.path} ${e.type} ${e.size} ${e.linkname ?? ''}`).sort();
  assert.deepEqual(fromRootfs, base);
  assert.equal(rootfs.layers[0]!.analyses['apk-count']!['lib/apk/db/installed'], 14);
  assert.equal(rootfs.final.get('bin/sh')?.meta.linkname, '/bin/busybox');
});

test('docker: warm rescan answers from the cache without reading the save stream', { skip }, async () => {
  const cacheDir = join(work, 'cache');
  const cold = await analyzeImage(`docker:${IMAGE}`, { cacheDir, analyzers: [apk] });
  assert.equal(lastScanStats.layersStreamed, 3);
  const img = await openImage(`docker:${IMAGE}`, { engineRead: 'api' });
  let streams = 0;
  const orig = img.streamLayers!.bind(img);
  img.streamLayers = (need, visit) => {
    streams++;
    return orig(need, visit);
  };
  img.layerEntries = () => {
    throw new Error('no layer may be opened');
  };
  const warm = await scanImage(img, [apk], { cacheDir });
  assert.equal(streams, 0);
  assert.equal(lastScanStats.layersFromCache, 3);
  assert.equal(warm.final.get('opt/app/v')?.layerIndex, 2);
  assert.deepEqual(summary(warm), summary(cold), 'same result, created-by included (from /history when the config never streamed by)');
  // read from the engine's storage (when this runs as root next to an overlay2 engine): nothing opened either
  const direct = await openImage(`docker:${IMAGE}`);
  direct.layerEntries = () => {
    throw new Error('no layer may be opened');
  };
  if (direct.layerBlob) {
    direct.layerBlob = () => {
      throw new Error('no layer may be located');
    };
  }
  await scanImage(direct, [apk], { cacheDir });
  assert.equal(lastScanStats.layersFromCache, 3);
  // the docker save tar shares the cache (same diff_ids): nothing to walk either
  const save = await openImage(saveTar);
  save.layerEntries = () => {
    throw new Error('no layer may be opened');
  };
  await scanImage(save, [apk], { cacheDir });
  assert.equal(lastScanStats.layersFromCache, 3);
});

test('docker: an unknown image or a platform the image is not is a clear error', { skip }, async () => {
  await assert.rejects(openImage('docker:bulwark-test/does-not-exist:nope'), /no image 'bulwark-test\/does-not-exist:nope' in the Docker engine/);
  await assert.rejects(openImage(`docker:${IMAGE}`, { platform: 'linux/arm64' }), /is linux\/amd64, not linux\/arm64/);
});

test('docker: layerEntries(i) reads one layer from the save stream (random access outside the walker)', { skip }, async () => {
  const img = await openImage(`docker:${IMAGE}`, { tmpDir: work, engineRead: 'api' });
  const paths: string[] = [];
  for await (const e of img.layerEntries(1)) paths.push(e.meta.path);
  assert.ok(paths.includes('etc/app.conf'));
  assert.ok(paths.includes('etc/.wh.motd'));
});

test('docker: created-by of every layer, whether or not the API history maps onto the layers', { skip }, async () => {
  // layers the Engine API's history reports with Size 0 (only a deletion, only a directory) and a classic-builder
  // COPY ('#(nop) COPY'): neither the sizes nor the '#(nop)' marks alone give the layers
  const tag = `bulwark-test/walker-history:${process.pid}`;
  const ctx = join(work, 'history-ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'a'), 'a\n');
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM bulwark-test/alpine:3.20.3\nCOPY a /opt/a\nRUN mkdir -p /srv/shared && chmod 0777 /srv/shared\nENV APP=1\nRUN rm -f /opt/a\nUSER 65534\n');
  execFileSync('docker', ['build', '-q', '--network', 'none', '-t', tag, ctx], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  try {
    const expect = ['', 'COPY', 'mkdir -p /srv/shared', 'rm -f /opt/a'];
    const check = (layers: Array<{ createdBy?: string; created?: string }>, what: string) => {
      assert.equal(layers.length, expect.length, what);
      // the imported base has no command, only a date
      layers.forEach((l, i) => assert.ok(i === 0 ? l.created !== undefined && !l.createdBy : (l.createdBy ?? '').includes(expect[i]!), `${what}: layer ${i} created by '${l.createdBy}'`));
    };
    check((await openDockerDaemon(`docker:${tag}`, { engineRead: 'api' })).layers, 'from the API history');
    // with no usable history, a scan of the save stream reads on until the config, wherever the tar puts it
    class NoHistory extends EngineClient {
      override json<T>(path: string, ...rest: Parameters<EngineClient['json']> extends [string, ...infer R] ? R : never): Promise<T> {
        if (path.endsWith('/history')) return Promise.reject(new Error('no history'));
        return super.json<T>(path, ...rest);
      }
    }
    const img = await openDockerDaemon(`docker:${tag}`, { engineRead: 'api', client: new NoHistory() });
    assert.ok(img.layers.every((l) => l.createdBy === undefined), 'nothing to map before the stream');
    const scan = await scanImage(img, [apk], { noCache: true });
    check(scan.image.layers, 'from the config in the save stream');
  } finally {
    execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
  }
});
