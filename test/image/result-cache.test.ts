/**
 * The image result cache (src/app/image-cache.ts) on a real docker-built image: a warm rescan gives exactly the
 * cold scan's index (inventory, check findings, attribution, summary), and nothing the result depends on is
 * reused across a change: settings (.bulwark.yaml, --scanners), the clock the age checks read, the base-image
 * index (attribution), the code identity, a corrupt entry.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexImage, type ImageIndex, type IndexImageOptions } from '../../src/app/image.js';
import { applyRefinement, ImageResultCache, imageResultKey, imageResultStats, imageState, refinementOf } from '../../src/app/image-cache.js';
import { openDockerDaemon } from '../../src/sources/docker-daemon.js';
import { lastScanStats } from '../../src/image/scan.js';
import { tempDir } from '../support/tmp.js';
import { ALPINE_IMAGE, BOOKWORM_APP_IMAGE, BOOKWORM_BASE_IMAGE, dockerAvailable, ensureAlpineImage, ensureBookwormImages } from '../support/images.js';

const skip = dockerAvailable() ? false : 'no Docker engine';
const APP = `docker:${BOOKWORM_APP_IMAGE}`;
const BASE = `docker:${BOOKWORM_BASE_IMAGE}`;
const now = new Date('2026-12-03T12:00:00Z');

before(() => {
  if (!skip) {
    ensureBookwormImages();
    ensureAlpineImage();
  }
});

/** The index as the report carries it: serialised, so that a key order or an undefined field counts too. */
const text = (i: ImageIndex): string => JSON.stringify(i, null, 1);

async function scan(cacheDir: string, extra: IndexImageOptions = {}): Promise<{ index: ImageIndex; hit: boolean; streamed: number }> {
  const hits = imageResultStats.hits;
  const index = await indexImage(APP, { cacheDir, now, ...extra });
  return { index, hit: imageResultStats.hits > hits, streamed: lastScanStats.layersStreamed + lastScanStats.layersInWorkers };
}

const ruleIds = (i: ImageIndex) => new Set(i.findings.map((f) => f.ruleId));

test('warm rescan: the cold scan\'s index exactly, read from the result cache without walking a layer', { skip }, async () => {
  const cache = tempDir('bw-result-cache-');
  const cold = await scan(cache);
  assert.equal(cold.hit, false);
  assert.ok(cold.streamed > 0, 'the cold scan walked the layers');
  assert.ok(cold.index.findings.length > 0 && cold.index.inventory.packages.length > 1000, 'a real image: findings and packages');
  const warm = await scan(cache);
  assert.equal(warm.hit, true, 'the rescan reused the result');
  assert.equal(warm.streamed, 0);
  assert.equal(text(warm.index), text(cold.index));
  // and the same as a scan that neither reads nor writes any cache
  const uncached = await scan(tempDir('bw-result-cache-'), { noCache: true });
  assert.equal(text(uncached.index), text(cold.index));
});

test('a changed setting, scanner set or clock is a new result, never the cached one', { skip }, async () => {
  const cache = tempDir('bw-result-cache-');
  const base = (await scan(cache)).index;
  assert.ok(ruleIds(base).has('BW-IMAGE-013'), 'the image has a BW-IMAGE-013 finding to disable');

  // .bulwark.yaml: a disabled rule
  const disabled = await scan(cache, { config: { imageChecks: { disable: ['BW-IMAGE-013'] } } });
  assert.equal(disabled.hit, false);
  assert.ok(!ruleIds(disabled.index).has('BW-IMAGE-013'));
  assert.equal(text(disabled.index), text((await scan(tempDir('bw-result-cache-'), { noCache: true, config: { imageChecks: { disable: ['BW-IMAGE-013'] } } })).index));
  assert.equal((await scan(cache, { config: { imageChecks: { disable: ['BW-IMAGE-013'] } } })).hit, true, 'the same settings again: reused');

  // --scanners without secret
  const noSecrets = await scan(cache, { scanners: { secret: false } });
  assert.equal(noSecrets.hit, false);
  assert.ok(!noSecrets.index.findings.some((f) => f.ruleId.startsWith('BW-SECRET-')));
  assert.ok(noSecrets.index.findings.length > 0);

  // --no-checks
  const noChecks = await scan(cache, { checks: false });
  assert.equal(noChecks.hit, false);
  assert.equal(noChecks.index.findings.length, 0);

  // the clock: a year later the image is old (BW-IMAGE-005), which the cached result of today does not say
  const later = await scan(cache, { now: new Date(now.getTime() + 3 * 365 * 86_400_000) });
  assert.equal(later.hit, false);
  assert.ok(ruleIds(later.index).has('BW-IMAGE-005'));
  assert.equal((await scan(cache)).hit, true, 'the first settings are still cached');
});

test('another image recorded as a base since: the attribution changes, the result is recomputed', { skip }, async () => {
  const cache = tempDir('bw-result-cache-');
  const before = (await scan(cache)).index;
  assert.notEqual(before.attribution?.method, 'layer-index');
  // the base image, scanned now, enters the base-image index: the app's base is then found by layer prefix
  await indexImage(BASE, { cacheDir: cache, now });
  const after = await scan(cache);
  assert.equal(after.hit, false);
  assert.equal(after.index.attribution?.method, 'layer-index');
  // what a cold scan with the same base-image index gives
  const fresh = tempDir('bw-result-cache-');
  cpSync(join(cache, 'base-images'), join(fresh, 'base-images'), { recursive: true });
  const cold = await scan(fresh);
  assert.equal(cold.hit, false);
  assert.equal(text(after.index), text(cold.index));
});

test('a corrupt entry is a miss and is rebuilt', { skip }, async () => {
  const cache = tempDir('bw-result-cache-');
  const cold = (await scan(cache)).index;
  const files = readdirSync(join(cache, 'images'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  assert.equal(files.length, 1);
  for (const f of files) writeFileSync(join(f.parentPath, f.name), 'not gzip');
  const again = await scan(cache);
  assert.equal(again.hit, false);
  assert.equal(text(again.index), text(cold));
  assert.equal((await scan(cache)).hit, true);
});

test('the key: another code identity, image, attribution or clock never shares a key', () => {
  const parts = {
    identity: { ref: 'x', layers: ['sha256:' + 'a'.repeat(64)] },
    settings: { checks: true, secret: true, misconfig: true, license: false, config: {}, skip: null, pkgTypes: null },
    attribution: { baseLayerCount: 1, method: 'history' as const, baseHistoryCount: 2 },
    clock: { day: '2026-12-03', ageDays: 10 },
    code: 'build-1',
  };
  const k = imageResultKey(parts).key;
  assert.equal(imageResultKey({ ...parts }).key, k);
  assert.notEqual(imageResultKey({ ...parts, code: 'build-2' }).key, k);
  assert.notEqual(imageResultKey({ ...parts, identity: { ref: 'x', layers: ['sha256:' + 'b'.repeat(64)] } }).key, k);
  assert.notEqual(imageResultKey({ ...parts, attribution: { ...parts.attribution, baseLayerCount: 2 } }).key, k);
  assert.notEqual(imageResultKey({ ...parts, clock: { day: '2026-12-04', ageDays: 11 } }).key, k);
  assert.notEqual(imageResultKey({ ...parts, settings: { ...parts.settings, pkgTypes: ['os'] } }).key, k);
  // one group per image, whatever the settings
  assert.equal(imageResultKey({ ...parts, clock: { day: '2026-12-04', ageDays: 11 } }).group, imageResultKey(parts).group);
});

test('a new entry removes its image\'s entries that no scan can hit any more (older than two days), and only those', () => {
  const cache = new ImageResultCache(tempDir('bw-result-cache-'));
  const settings = { checks: true, secret: true, misconfig: true, license: false, config: {}, skip: null, pkgTypes: null };
  const result = { layers: [], files: 0, hiddenFiles: 0, inventory: { packages: [], warnings: [] } as never, findings: [], warnings: [] };
  const at = (day: string, identity: unknown = 'img') => imageResultKey({ identity, settings, clock: { day }, code: 'c' });
  const t0 = Date.parse('2026-12-01T12:00:00Z');
  const file = (k: ReturnType<typeof at>) => join(cache.dir, k.group.slice(0, 2), k.group, `${k.key}.json.gz`);
  const old = at('2026-11-20');
  const recent = at('2026-11-30');
  const other = at('2026-11-20', 'another image');
  for (const k of [old, recent, other]) cache.put(k, result, t0);
  utimesSync(file(old), new Date(t0 - 10 * 86_400_000), new Date(t0 - 10 * 86_400_000));
  utimesSync(file(other), new Date(t0 - 10 * 86_400_000), new Date(t0 - 10 * 86_400_000));
  utimesSync(file(recent), new Date(t0 - 86_400_000), new Date(t0 - 86_400_000));
  cache.put(at('2026-12-01'), result, t0);
  assert.equal(existsSync(file(old)), false, 'the stale entry is gone');
  assert.equal(existsSync(file(recent)), true, 'a day-old entry stays');
  assert.equal(existsSync(file(other)), true, "another image's entries are not touched");
  assert.ok(cache.get(at('2026-12-01')));
});

test('a walk that replaced the config (one-pass engine stream): a reused result puts the walk\'s config back', { skip }, async () => {
  const walked = await openDockerDaemon(`docker:${ALPINE_IMAGE}`, { engineRead: 'api' });
  const before = imageState(walked);
  assert.equal(refinementOf(walked, before), undefined, 'nothing changed: nothing to keep');
  // what the stream's real config does to the image rebuilt from the Engine API: another config, other history lines
  walked.config = { ...walked.config, created: '2020-01-01T00:00:00Z', history: [{ created_by: 'ADD rootfs.tar /' }] };
  walked.layers[0]!.createdBy = 'ADD rootfs.tar /';
  const refined = refinementOf(walked, before);
  assert.ok(refined);
  await walked.close();
  const fresh = await openDockerDaemon(`docker:${ALPINE_IMAGE}`, { engineRead: 'api' });
  assert.notEqual(imageState(fresh), imageState(walked));
  applyRefinement(fresh, JSON.parse(JSON.stringify(refined)));
  assert.equal(imageState(fresh), imageState(walked));
  await fresh.close();
});
