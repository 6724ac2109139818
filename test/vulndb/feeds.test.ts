import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VulnStore } from '../../src/vulndb/store.js';
import { scoreVector, severityFromScore, severityFromLabel } from '../../src/vulndb/cvss.js';
import { semverRangeToOsv } from '../../src/vulndb/feeds/nodejs.js';
import { osvEcosystem, normaliseName } from '../../src/vulndb/feeds/ecosystems.js';
import { importNvd } from '../../src/vulndb/feeds/nvd.js';
import { DbWriter } from '../../src/vulndb/store.js';
import { buildDb, fx, tmpCache, haveShared, SHARED } from './helpers.js';

test('CVSS base scores come from the library for v3.1, v3.0, v4.0 and v2 vectors', () => {
  assert.equal(scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')?.score, 9.8);
  assert.equal(scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')?.score, 10);
  assert.equal(scoreVector('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N')?.score, 6.5);
  assert.equal(scoreVector('AV:N/AC:L/Au:N/C:P/I:P/A:P')?.score, 7.5);
  assert.equal(scoreVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')?.score, 9.3);
  assert.equal(scoreVector('CVSS:3.1/AV:X/garbage'), undefined);
  assert.equal(scoreVector('not a vector'), undefined);
  assert.equal(severityFromScore(9.8), 'critical');
  assert.equal(severityFromScore(7.5), 'high');
  assert.equal(severityFromScore(5.3), 'medium');
  assert.equal(severityFromScore(3.1), 'low');
  assert.equal(severityFromLabel('MODERATE'), 'medium');
  assert.equal(severityFromLabel('unimportant'), 'info');
  assert.equal(severityFromLabel('not yet assigned'), undefined);
});

test('OSV ecosystems map to purl types and distro namespaces; names normalise per ecosystem', () => {
  assert.deepEqual(osvEcosystem('Go'), { ecosystem: 'golang', namespace: '' });
  assert.deepEqual(osvEcosystem('Debian:12'), { ecosystem: 'deb', namespace: 'debian:bookworm' });
  assert.deepEqual(osvEcosystem('Alpine:v3.20'), { ecosystem: 'apk', namespace: 'alpine:v3.20' });
  assert.deepEqual(osvEcosystem('Ubuntu:22.04:LTS'), { ecosystem: 'deb', namespace: 'ubuntu:22.04' });
  assert.deepEqual(osvEcosystem('crates.io'), { ecosystem: 'cargo', namespace: '' });
  assert.equal(osvEcosystem('SwiftURL'), undefined);
  assert.equal(normaliseName('pypi', 'Zope.Interface__x'), 'zope-interface-x');
  assert.equal(normaliseName('golang', 'github.com/Foo/bar'), 'github.com/Foo/bar');
});

test('OSV importer: ranges, versions lists, withdrawn and GIT ranges counted, aliases, CVSS and GHSA label', async () => {
  const db = await buildDb([fx('osv/go'), fx('osv/pypi'), fx('osv/ghsa')]);
  const [go, pypi, ghsa] = db.sources;
  assert.ok(go!.ok && pypi!.ok && ghsa!.ok);
  assert.equal(go!.stats.vulns, 5);
  assert.equal(pypi!.stats.withdrawnSkipped, 1, 'PYSEC-2019-144 is withdrawn');
  assert.ok((pypi!.stats.gitRangesSkipped ?? 0) >= 1, 'GIT ranges are skipped knowingly and counted');
  assert.equal(ghsa!.stats.withdrawnSkipped, 1, 'GHSA-27h2-hvpr-p74q is withdrawn');
  const store = VulnStore.open(db.path);
  try {
    assert.equal(store.vulns('GHSA-27h2-hvpr-p74q').length, 0);
    const lodash = store.vulns('GHSA-29mw-wpgm-hmr9')[0]!;
    assert.deepEqual(lodash.aliases, ['CVE-2020-28500']);
    const rs = store.ratings('GHSA-29mw-wpgm-hmr9');
    assert.deepEqual(rs.find((r) => r.method.startsWith('CVSS:'))?.score, 5.3);
    assert.deepEqual(rs.find((r) => r.method === 'vendor'), { source: 'ghsa', severity: 'medium', method: 'vendor', label: 'MODERATE' });
    assert.ok(store.aliasesOf('CVE-2020-28500').includes('GHSA-29mw-wpgm-hmr9'));
    // one OSV record naming several packages gives one row per package
    const rows = store.affectedByVuln('GHSA-29mw-wpgm-hmr9').map((r) => r.package).sort();
    assert.ok(rows.includes('lodash') && rows.includes('lodash-es'));
    const stdlib = store.affectedFor('golang', '', 'stdlib').map((r) => r.vulnId);
    assert.ok(stdlib.includes('GO-2023-1751'));
    // PYSEC with both GIT ranges and a versions list keeps the list
    const pysec = store.affectedByVuln('PYSEC-2013-22')[0]!;
    assert.ok(pysec.versions.length > 0 || pysec.ranges.length > 0);
    // last_affected is kept as an event
    const la = store.affectedByVuln('PYSEC-2022-42969')[0]!;
    assert.ok(la.ranges.some((r) => r.events.some((e) => e.last_affected !== undefined)));
  } finally {
    store.close();
  }
});

test('OSV all.zip archives import like the directory; a damaged zip is a clear error', async () => {
  const dir = await buildDb([fx('osv/go')]);
  const zip = await buildDb([fx('osv/go-all.zip')]);
  assert.equal(zip.sources[0]!.stats.vulns, dir.sources[0]!.stats.vulns);
  const bad = join(tmpCache(), 'broken.zip');
  writeFileSync(bad, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]));
  const r = await buildDb([bad, fx('osv/go')]);
  assert.equal(r.sources[0]!.ok, false);
  assert.match(r.sources[0]!.error!, /zip/);
  assert.equal(r.sources[1]!.ok, true, 'the other source still imports');
});

test('Debian tracker: resolved/fixed_version, 0 = never affected, open, unimportant, no-dsa, ignored, postponed, undetermined', async () => {
  const db = await buildDb([fx('debian/tracker-states.json'), fx('debian/bookworm-trixie-subset.json')]);
  assert.ok(db.sources.every((s) => s.ok));
  const store = VulnStore.open(db.path);
  try {
    const g = store.affectedFor('deb', 'debian:bookworm', 'glibc');
    const unimp = g.find((r) => r.vulnId === 'CVE-2019-1010022')!;
    assert.equal(unimp.status, 'affected');
    assert.equal(unimp.severity, 'unimportant', "the tracker's own word is kept (rated info)");
    assert.equal(unimp.statusDetail, 'unimportant');
    const nodsa = g.find((r) => r.vulnId === 'CVE-2025-0395')!;
    assert.equal(nodsa.status, 'will_not_fix');
    assert.equal(nodsa.statusDetail, 'no-dsa: Minor issue');
    const ign = store.affectedFor('deb', 'debian:bookworm', 'cups')[0]!;
    assert.equal(ign.status, 'will_not_fix');
    assert.equal(ign.statusDetail, 'ignored: Minor issue');
    const post = store.affectedFor('deb', 'debian:trixie', 'openssl').find((r) => r.vulnId === 'CVE-2024-4741')!;
    assert.equal(post.status, 'fix_deferred');
    assert.equal(post.statusDetail, 'postponed: Minor issue');
    const sid = store.affectedFor('deb', 'debian:sid', 'openssl')[0]!;
    assert.equal(sid.status, 'not_affected');
    const und = store.affectedFor('deb', 'debian:bookworm', 'tiff')[0]!;
    assert.equal(und.statusDetail, 'undetermined');
    const fixed = store.affectedFor('deb', 'debian:bookworm', 'openssl').find((r) => r.vulnId === 'CVE-2024-4741')!;
    assert.deepEqual(fixed.ranges[0]!.events, [{ introduced: '0' }, { fixed: '3.0.14-1~deb12u1' }]);
    // the derived feed: expat CVE-2026-77214 fixed per release
    const expat = store.affectedFor('deb', 'debian:bookworm', 'expat');
    assert.ok(expat.length > 10);
    assert.ok(store.namespaces().has('debian:trixie'));
  } finally {
    store.close();
  }
});

test('Alpine secdb: per release namespace, fixed version -> ids, 0 = never affected', async () => {
  const db = await buildDb([fx('alpine')]);
  const store = VulnStore.open(db.path);
  try {
    assert.ok(store.namespaces().has('alpine:v3.20'));
    const ssl = store.affectedFor('apk', 'alpine:v3.20', 'openssl');
    const r = ssl.find((x) => x.vulnId === 'CVE-2024-9143')!;
    assert.deepEqual(r.ranges[0]!.events, [{ introduced: '0' }, { fixed: '3.3.2-r1' }]);
    assert.ok((db.sources[0]!.stats.notAffected ?? 0) > 0, 'secfixes "0" entries are stored as never affected');
    assert.ok(store.affectedByVuln('CVE-2024-9143').every((x) => x.feed === 'alpine-secdb'));
  } finally {
    store.close();
  }
});

test('CISA KEV: flag and due date per CVE', async () => {
  const db = await buildDb([fx('kev/known_exploited_vulnerabilities.json')]);
  const store = VulnStore.open(db.path);
  try {
    const k = store.kev('CVE-2021-44228')!;
    assert.equal(k.dateAdded, '2021-12-10');
    assert.equal(k.dueDate, '2021-12-24');
    assert.equal(store.kev('CVE-2000-0001'), undefined);
    assert.equal(db.sources[0]!.stats.kev, 5);
  } finally {
    store.close();
  }
});

test('Node.js security WG: semver ranges become OSV events; advisories import with CVE aliases', async () => {
  assert.deepEqual(semverRangeToOsv('<=1.5.1'), { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { last_affected: '1.5.1' }] }], versions: [] });
  assert.deepEqual(semverRangeToOsv('>=2.0.0 <2.1.3 || <1.9.0')!.ranges.map((r) => r.events), [
    [{ introduced: '2.0.0' }, { fixed: '2.1.3' }],
    [{ introduced: '0' }, { fixed: '1.9.0' }],
  ]);
  assert.deepEqual(semverRangeToOsv('>1.2.3')!.ranges[0]!.events, [{ introduced: '1.2.4-0' }]);
  assert.deepEqual(semverRangeToOsv('=1.0.0')!.versions, ['1.0.0']);
  assert.equal(semverRangeToOsv('not a range !!'), undefined);
  const db = await buildDb([fx('nodejs/npm')]);
  assert.equal(db.sources[0]!.stats.vulns, 7);
  const store = VulnStore.open(db.path);
  try {
    const rows = store.affectedFor('npm', '', 'lodash');
    assert.ok(rows.length >= 2);
  } finally {
    store.close();
  }
});

test('NVD CVE JSON 2.0: the primary CVSS of each version per CVE becomes an nvd rating', () => {
  const dir = tmpCache();
  const w = new DbWriter(join(dir, 'x.db'));
  const stats: Record<string, number> = {};
  importNvd(
    {
      format: 'NVD_CVE',
      vulnerabilities: [
        { cve: { id: 'CVE-2021-44228', metrics: { cvssMetricV31: [{ type: 'Primary', cvssData: { vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', version: '3.1' } }] } } },
        { cve: { id: 'CVE-2000-1', metrics: {} } },
        { cve: {} },
      ],
    },
    w.sink('nvd', stats),
  );
  assert.equal(stats.ratings, 1);
  assert.equal(stats.malformed, 1);
  const row = w.db.prepare('SELECT score, rated_by, method, severity FROM ratings WHERE id = ?').get('CVE-2021-44228') as Record<string, unknown>;
  assert.deepEqual(row, { score: 10, rated_by: 'nvd', method: 'CVSS:3.1', severity: 'critical' });
  w.abort();
});

test('real feeds in ../shared/data import with the expected counts', { skip: haveShared ? false : 'needs ../shared/data' }, async () => {
  const db = await buildDb([
    join(SHARED, 'osv/go'),
    join(SHARED, 'kev/known_exploited_vulnerabilities.json'),
    join(SHARED, 'debian-tracker/bookworm-trixie.json'),
    join(SHARED, 'osv/pypi'),
    join(SHARED, 'nodejs-security-wg/npm'),
  ]);
  assert.ok(db.sources.every((s) => s.ok));
  assert.equal(db.sources[0]!.stats.vulns! + db.sources[0]!.stats.withdrawnSkipped!, 4291, 'README: 4,291 Go records');
  assert.equal(db.sources[1]!.stats.kev, 1404, 'README: 1,404 KEV entries');
  // the tracker README: 23,409 distinct CVE ids; release entries bookworm 24,187 + trixie 20,878
  assert.equal(db.sources[2]!.stats.vulns, 23409);
  assert.equal(db.sources[2]!.stats.affected, 24187 + 20878);
  assert.equal(db.sources[3]!.stats.vulns! + db.sources[3]!.stats.withdrawnSkipped!, 2661, 'README: 2,661 PyPI advisories');
  assert.equal(db.sources[4]!.stats.vulns, 467, '468 files: 467 advisories and index.json (counted as unrecognised)');
  assert.equal(db.sources[4]!.stats.unrecognisedDocuments, 1);
  const store = VulnStore.open(db.path);
  try {
    const n = (ns: string) => (store.db.prepare('SELECT COUNT(DISTINCT package) n FROM affected WHERE namespace = ?').get(ns) as { n: number }).n;
    assert.equal(n('debian:bookworm'), 189, 'README: bookworm 189 sources');
    assert.equal(n('debian:trixie'), 145, 'README: trixie 145 sources');
  } finally {
    store.close();
  }
});
