/**
 * Verdict details in the service store: kept once per (dkey, advisory) in verdict_details and shared by the
 * images holding that package; deleting an image drops only the details no other image's verdict names; a
 * store of schema 2 (details inline in image_vulns, no dkey) or 3 (details without their severity) migrates at
 * open and still reads its verdicts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ImageIndex } from '../../src/app/image.js';
import { ServiceStore, type VulnVerdict } from '../../src/server/store/index.js';
import { SCHEMA_VERSION } from '../../src/server/store/schema.js';
import { tempDir } from '../support/tmp.js';

const work = tempDir('bw-store-verdicts-');

function index(n: number): ImageIndex {
  const name = `img-${n}`;
  return {
    digest: `sha256:${n.toString(16).padStart(64, '0')}`,
    ref: name,
    target: { kind: 'image', name, ref: name },
    summary: { name, layers: [] },
    summaryText: '',
    inventory: { packages: [], warnings: [] },
    findings: [],
    warnings: [],
  } as unknown as ImageIndex;
}

const verdict = (vulnId: string, dkey: string, fixed: string): VulnVerdict => ({
  vulnId,
  package: 'deb/openssl@3.0.11-1~deb12u2',
  severity: 'high',
  detail: { id: vulnId, fixedVersion: fixed },
  dkey,
});

test('verdict details are shared by the images holding a package, dropped with the last of them, and migrate from schema 2', async () => {
  const file = join(work, 'service.db');
  let store = await ServiceStore.open(file);
  const shared = [verdict('CVE-2024-0001', 'k1', '3.0.13-1'), verdict('CVE-2024-0002', 'k1', '3.0.14-1')];
  for (const n of [1, 2, 3]) {
    const idx = index(n);
    await store.storeIndexed({ name: idx.summary.name, ref: idx.ref, kind: 'index' }, { index: idx, keys: [], verdicts: n === 3 ? [verdict('CVE-2024-0003', 'k3', '1.0')] : shared });
  }
  const count = async (s: ServiceStore) => (await s.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM verdict_details'))!.n;
  assert.equal(await count(store), 3, 'one detail row per (dkey, advisory), whatever the number of images');
  const inline = await store.db.all<{ detail: string }>('SELECT detail FROM image_vulns WHERE dkey IS NOT NULL');
  assert.ok(inline.length === 5 && inline.every((r) => r.detail === ''), 'image rows hold no detail of their own');
  const read = async (s: ServiceStore, n: number) => (await s.verdictsOf([index(n).digest])).get(index(n).digest)?.map((v) => [v.vulnId, v.severity, v.detail.fixedVersion]).sort();
  assert.deepEqual(await read(store, 2), [['CVE-2024-0001', 'high', '3.0.13-1'], ['CVE-2024-0002', 'high', '3.0.14-1']]);

  // a round hands over every detail it found: only the new or different ones are written (and counted)
  const upd = await store.startUpdate('test', 'test');
  const detail = (vulnId: string, fixed: string) => ({ dkey: 'k1', vulnId, detail: JSON.stringify({ id: vulnId, fixedVersion: fixed }), severity: 'high' });
  const { detailsWritten } = await store.recordRound({
    updateId: upd.id,
    verdicts: { upserts: [], deletes: [] },
    details: { upserts: [detail('CVE-2024-0001', '3.0.13-1'), detail('CVE-2024-0002', '3.0.15-1')], gone: [] },
    notifications: [],
    deliveries: [],
    notifiedBuiltAt: 'test',
    summary: { changedVulns: 1, affectedImages: 2, detail: {} },
  });
  assert.equal(detailsWritten, 1);
  assert.equal((await store.getUpdate(upd.id))?.detail?.detailsWritten, 1);
  assert.deepEqual(await read(store, 2), [['CVE-2024-0001', 'high', '3.0.13-1'], ['CVE-2024-0002', 'high', '3.0.15-1']], 'both images read the new detail');
  assert.deepEqual(await read(store, 1), await read(store, 2));

  assert.ok(await store.deleteImage(index(1).digest));
  assert.equal(await count(store), 3, 'image 2 still names the k1 details');
  assert.ok(await store.deleteImage(index(3).digest));
  assert.equal(await count(store), 2, 'the k3 detail went with the only image naming it');

  // back to the layout of schema 2: details inline, no dkey column, no verdict_details
  await store.db.exec(`
    UPDATE image_vulns SET detail = (SELECT d.detail FROM verdict_details d WHERE d.dkey = image_vulns.dkey AND d.vuln_id = image_vulns.vuln_id);
    DROP INDEX image_vulns_detail;
    ALTER TABLE image_vulns DROP COLUMN dkey;
    DROP TABLE verdict_details;
    UPDATE service_meta SET value = '2' WHERE key = 'schema_version';`);
  await store.close();
  store = await ServiceStore.open(file);
  assert.equal((await store.db.get<{ value: string }>(`SELECT value FROM service_meta WHERE key = 'schema_version'`))!.value, String(SCHEMA_VERSION));
  assert.deepEqual(await read(store, 2), [['CVE-2024-0001', 'high', '3.0.13-1'], ['CVE-2024-0002', 'high', '3.0.15-1']], 'schema 2 verdicts read with their inline detail');
  assert.equal(await count(store), 0);
  assert.ok(await store.deleteImage(index(2).digest));

  // schema 3: verdict_details without the severity column
  const idx4 = index(4);
  await store.storeIndexed({ name: idx4.summary.name, ref: idx4.ref, kind: 'index' }, { index: idx4, keys: [], verdicts: shared });
  await store.db.exec(`ALTER TABLE verdict_details DROP COLUMN severity; UPDATE service_meta SET value = '3' WHERE key = 'schema_version';`);
  await store.close();
  store = await ServiceStore.open(file);
  assert.deepEqual(await store.db.all('SELECT vuln_id, severity FROM verdict_details ORDER BY vuln_id'), [{ vuln_id: 'CVE-2024-0001', severity: null }, { vuln_id: 'CVE-2024-0002', severity: null }]);
  assert.deepEqual(await read(store, 4), [['CVE-2024-0001', 'high', '3.0.13-1'], ['CVE-2024-0002', 'high', '3.0.14-1']]);
  await store.close();
});
