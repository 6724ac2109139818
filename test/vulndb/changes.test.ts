/**
 * The change set a database update records (UpdateResult.changes, VulnStore.changes()) and the keys the
 * matcher looks packages up by (matchKeys): the two seams the service uses to re-match only what an update
 * touched. Real updates of one cache, from the rating fixtures (test/fixtures/vulndb/ratings).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InventoryReport, Package } from '../../src/inventory/types.js';
import { VulnStore } from '../../src/vulndb/store.js';
import { matchKeys, vulnerabilityFindings } from '../../src/vulndb/index.js';
import { updateDb } from '../../src/vulndb/update.js';
import { fx, tmpCache } from './helpers.js';

const BASE = [fx('ratings/debian-tracker.json'), fx('ratings/osv'), fx('ratings/nodejs')];
const key = (k: { ecosystem: string; namespace: string; name: string }) => `${k.ecosystem}/${k.namespace}/${k.name}`;

const deb = (name: string, src: string): Package => ({
  name, version: '1.0-1', ecosystem: 'deb', sourceName: src, sourceVersion: '1.0-1', path: 'var/lib/dpkg/status', purl: `pkg:deb/debian/${name}@1.0-1`,
});
const lang = (ecosystem: Package['ecosystem'], name: string, version: string, ownedBy?: Package['ownedBy']): Package => ({
  name, version, ecosystem, path: `app/${name}`, purl: `pkg:${ecosystem}/${name}@${version}`, ...(ownedBy ? { ownedBy } : {}),
});

test('matchKeys: distro packages by source name in the release namespace, language packages by normalised name', () => {
  const inv: InventoryReport = {
    os: { id: 'debian', versionId: '12', codename: 'bookworm', evidence: '' },
    packages: [
      deb('librated1', 'rated-src'),
      lang('npm', 'rated-npm', '1.0.0'),
      lang('pypi', 'Rated_Py', '1.0'),
      lang('npm', 'owned', '1.0.0', { ecosystem: 'deb', name: 'rated-src' }),
    ],
    warnings: [],
  };
  const keys = matchKeys(inv).map((k) => `${k.pkg.name} -> ${key(k.key)}`);
  assert.deepEqual(keys, ['librated1 -> deb/debian:bookworm/rated-src', 'rated-npm -> npm//rated-npm', 'Rated_Py -> pypi//rated-py']);
  // no release: distro packages have no key (the matcher skips them too)
  assert.deepEqual(matchKeys({ packages: [deb('librated1', 'rated-src')], warnings: [] }), []);
});

test('an update records what it changed: first build, an NVD import re-rating some CVEs, a no-op, a removal', async () => {
  const cache = tmpCache();
  const first = await updateDb({ cacheDir: cache, sources: BASE });
  // no earlier database: previous false says "everything is new" (the lists stay empty, not the whole database)
  assert.equal(first.changes!.previous, false);
  assert.deepEqual([first.changes!.added, first.changes!.removed, first.changes!.modified], [[], [], []]);

  // NVD adds ratings only: the CVEs it rates are modified, and so is the GHSA advisory aliasing one of them
  const second = await updateDb({ cacheDir: cache, sources: [fx('ratings/nvd.json')] });
  const c = second.changes!;
  assert.equal(c.previous, true);
  assert.equal(c.from, first.changes!.to);
  assert.deepEqual(c.added, []);
  assert.deepEqual(c.modified, ['CVE-2099-1001', 'CVE-2099-1002', 'CVE-2099-1005', 'CVE-2099-2001'], 'CVE-2099-2001 is only an alias (of GHSA-rtng-0001-0001) and rated by NVD');
  const touched = c.modified;
  assert.ok(!touched.includes('CVE-2099-1003') && !touched.includes('CVE-2099-1004'), 'ids NVD does not rate are unchanged');
  const pk = c.packages.map(key);
  assert.ok(pk.includes('deb/debian:bookworm/rated-src'), pk.join(' '));
  assert.ok(pk.includes('npm//rated-npm'), 'the GHSA advisory of CVE-2099-2001 names rated-npm');
  assert.ok(!pk.includes('npm//wg-only') && !pk.includes('pypi//rated-py'), 'packages of unchanged advisories are not named');

  // an open store reports the same change set
  const store = VulnStore.open(second.path);
  try {
    assert.deepEqual(store.changes(), c);
    // vulnerabilityFindings reuses an open store and leaves it open
    const inv: InventoryReport = { os: { id: 'debian', versionId: '12', codename: 'bookworm', evidence: '' }, packages: [deb('rated-src', 'rated-src')], warnings: [] };
    const r = vulnerabilityFindings(inv, { store, maxAgeDays: 1e6 });
    assert.equal(r.findings.filter((f) => f.vulnerability).length, 5);
    assert.ok(store.changes());
    // the service's question: which packages of this inventory does the update touch?
    const changed = new Set(c.packages.map(key));
    assert.deepEqual(matchKeys(inv).filter((k) => changed.has(key(k.key))).map((k) => k.pkg.name), ['rated-src']);
  } finally {
    store.close();
  }

  // the same data again: nothing changed
  const third = await updateDb({ cacheDir: cache, sources: [fx('ratings/nvd.json')] });
  assert.deepEqual([third.changes!.added, third.changes!.removed, third.changes!.modified, third.changes!.packages], [[], [], [], []]);

  // replace with the base alone: NVD's ratings go, the CVEs it rated are modified again
  const fourth = await updateDb({ cacheDir: cache, sources: BASE, replace: true });
  const t4 = [...fourth.changes!.modified, ...fourth.changes!.removed];
  assert.ok(t4.includes('CVE-2099-1001'), t4.join(', '));
});
