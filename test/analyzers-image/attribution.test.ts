import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeLayers, checkImage, loadLayerIndex, recordImageLayers } from '../../src/analyzers/image/index.js';
import { historyBoundary } from '../../src/analyzers/image/attribution.js';
import type { ImageConfig } from '../../src/sources/types.js';
import { synthScan } from './synthetic.js';

const three = [{ files: [{ path: 'bin/sh', content: 'x' }] }, { files: [{ path: 'app/a', content: 'x' }] }, { files: [{ path: 'srv/shared', type: 'dir' as const, mode: 0o777 }] }];

const legacyHistory: ImageConfig['history'] = [
  { created_by: '/bin/sh -c #(nop) ADD file:4a9d in / ' },
  { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
  { created_by: '/bin/sh -c #(nop) COPY dir:abc in /app ' },
  { created_by: '/bin/sh -c #(nop)  ENV X=1', empty_layer: true },
  { created_by: '/bin/sh -c mkdir -m 777 /srv/shared' },
];

test('history markers: the base ends after its last CMD', async () => {
  const scan = await synthScan(three, { config: { history: legacyHistory, config: { User: 'app' } } });
  const a = attributeLayers(scan);
  assert.deepEqual([a.method, a.baseLayerCount, a.baseHistoryCount], ['history', 1, 2]);
  const ww = checkImage(scan, undefined, {}).find((f) => f.ruleId === 'BW-IMAGE-012');
  assert.equal(ww?.origin, 'app');
});

test('history markers: a docker-imported rootfs with no CMD is the base', () => {
  assert.equal(historyBoundary({ history: [{ created_by: '', comment: 'Imported from -' }, { created_by: 'RUN /bin/sh -c x # buildkit' }] }), 1);
  assert.equal(historyBoundary({ history: [{ created_by: 'RUN /bin/sh -c x # buildkit' }, { created_by: 'RUN /bin/sh -c y # buildkit' }] }), 0);
  // the image's own final CMD is not a boundary
  assert.equal(historyBoundary({ history: [{ created_by: 'RUN x' }, { created_by: 'CMD ["x"]', empty_layer: true }] }), 0);
});

test('no evidence: everything is the app\'s', async () => {
  const scan = await synthScan(three);
  const a = attributeLayers(scan);
  assert.equal(a.method, 'none');
  for (const f of checkImage(scan, undefined, {})) assert.equal(f.origin, 'app');
});

test('base annotations name the base; layer index decides the count', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-attr-'));
  try {
    const scan = await synthScan(three, { annotations: { 'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20' } });
    const byAnn = attributeLayers(scan, { cacheDir: dir });
    assert.equal(byAnn.method, 'annotation');
    assert.equal(byAnn.baseName, 'docker.io/library/alpine:3.20');
    recordImageLayers(dir, 'alpine:3.20', ['sha256:d0']);
    recordImageLayers(dir, 'mid:1', ['sha256:d0', 'sha256:d1']);
    recordImageLayers(dir, 'other:1', ['sha256:zz', 'sha256:d1']);
    recordImageLayers(dir, 'synth:1.0', ['sha256:d0', 'sha256:d1', 'sha256:d2']);
    assert.equal(Object.keys(loadLayerIndex(dir).images).length, 4);
    const a = attributeLayers(scan, { cacheDir: dir });
    assert.deepEqual([a.method, a.baseLayerCount], ['layer-index', 2]);
    const fs = checkImage(scan, undefined, {}, { cacheDir: dir });
    assert.equal(fs.find((f) => f.ruleId === 'BW-IMAGE-012')?.origin, 'app');
    const fs2 = checkImage(scan, undefined, {}, { attribution: { baseLayerCount: 3, method: 'layer-index', baseHistoryCount: 3 } });
    assert.equal(fs2.find((f) => f.ruleId === 'BW-IMAGE-012')?.origin, 'base');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt index file is ignored, not fatal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-attr-'));
  try {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'base-index.json'), '{not json');
    assert.deepEqual(loadLayerIndex(dir).images, {});
    recordImageLayers(dir, 'x:1', ['sha256:a']);
    assert.deepEqual(Object.keys(loadLayerIndex(dir).images), ['x:1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('history rebuilt from the Engine API (no empty_layer flags) still maps entries onto layers', async () => {
  const { layerMakingEntries, historyLayerPositions } = await import('../../src/analyzers/image/attribution.js');
  const cfg: ImageConfig = {
    rootfs: { type: 'layers', diff_ids: ['a', 'b', 'c'] },
    history: [
      { created_by: '', comment: 'Imported from -', empty_layer: false },
      { created_by: '/bin/sh -c #(nop)  ARG PW', empty_layer: false },
      { created_by: '/bin/sh -c #(nop) COPY dir:abc in /x ', empty_layer: false },
      { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: false },
      { created_by: '|1 PW=x /bin/sh -c rm -f /x/k', empty_layer: false },
    ],
  };
  assert.deepEqual(layerMakingEntries(cfg), [true, false, true, false, true]);
  assert.deepEqual(historyLayerPositions(cfg), [0, 1, 1, 2, 2]);
  assert.equal(historyBoundary(cfg), 1);
  // consistent declared flags win
  const declared: ImageConfig = { rootfs: { type: 'layers', diff_ids: ['a'] }, history: [{ created_by: 'RUN x', empty_layer: true }, { created_by: 'ENV y', empty_layer: false }] };
  assert.deepEqual(layerMakingEntries(declared), [false, true]);
});

test('runImageChecks records the image in the layer index, so a later image built on it is attributed by prefix', async () => {
  const { runImageChecks } = await import('../../src/analyzers/image/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'bw-attr-'));
  try {
    const base = await synthScan([three[0]], { name: 'base:1', config: { rootfs: { type: 'layers', diff_ids: ['sha256:d0'] }, config: { User: 'app' }, history: [{ created_by: 'RUN a' }] } });
    runImageChecks(base, undefined, {}, { cacheDir: dir });
    const app = await synthScan(three, { name: 'app:2', config: { rootfs: { type: 'layers', diff_ids: ['sha256:d0', 'sha256:d1', 'sha256:d2'] }, config: { User: 'app' }, history: [{ created_by: 'RUN a' }, { created_by: 'RUN b' }, { created_by: 'RUN c' }] } });
    const r = runImageChecks(app, undefined, {}, { cacheDir: dir });
    assert.deepEqual([r.attribution.method, r.attribution.baseLayerCount, r.attribution.baseName], ['layer-index', 1, 'base:1']);
    assert.equal(r.split.app.total, r.findings.filter((f) => f.origin === 'app').length);
    assert.match(r.split.text, /base image \(base:1\): layers 0-0 \(by layer-index\)/);
    const none = runImageChecks(app, undefined, {}, { noCache: true });
    assert.equal(none.attribution.method, 'none');
    assert.match(none.split.text, /not identified/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
