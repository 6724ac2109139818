import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InventoryReport, Package } from '../../src/inventory/types.js';
import type { Finding } from '../../src/core/finding.js';
import { PackedPackage, VulnStore } from '../../src/vulndb/store.js';
import { matchInventory, matchInventoryDetailed } from '../../src/vulndb/match/index.js';
import { why } from '../../src/vulndb/match/why.js';
import { goToolchainToSemver } from '../../src/vulndb/match/lang.js';
import { distroNamespace } from '../../src/vulndb/match/namespace.js';
import { applyVex, parseVex } from '../../src/vulndb/vex.js';
import { loadInventory } from '../../src/vulndb/saved-inventory.js';
import { vulnerabilityFindings, stalenessWarning } from '../../src/vulndb/index.js';
import { findComparator } from '../../src/vulndb/version/index.js';
import { affectingRows, evaluateRowFast } from '../../src/vulndb/match/evaluate.js';
import { sortFindings } from '../../src/core/policy.js';
import { buildDb, fx, tmpCache } from './helpers.js';

let store: VulnStore;
let dbFile: string;
before(async () => {
  const db = await buildDb();
  dbFile = db.path;
  store = VulnStore.open(db.path);
});
after(() => store.close());

const bookworm = () => loadInventory(fx('inventory/bookworm-app-subset.json'));
const alpine = () => loadInventory(fx('inventory/alpine-3.20.3.json'));
const vulnsOf = (fs: Finding[], name: string) => fs.filter((f) => f.vulnerability?.package.name === name);

test('distro namespaces: Debian codename (or VERSION_ID), Alpine major.minor, edge', () => {
  assert.equal(distroNamespace({ id: 'debian', versionId: '12', codename: 'bookworm', evidence: '' }).namespace, 'debian:bookworm');
  assert.equal(distroNamespace({ id: 'debian', versionId: '13', evidence: '' }).namespace, 'debian:trixie');
  assert.equal(distroNamespace({ id: 'alpine', versionId: '3.20.3', evidence: '' }).namespace, 'alpine:v3.20');
  assert.equal(distroNamespace({ id: 'alpine', versionId: '3.21_alpha20240923', evidence: '' }).namespace, 'alpine:edge');
  assert.equal(goToolchainToSemver('go1.21.3'), '1.21.3');
  assert.equal(goToolchainToSemver('go1.21'), '1.21.0');
  assert.equal(goToolchainToSemver('go1.22rc2'), '1.22.0-rc.2');
  assert.equal(goToolchainToSemver('devel +abc'), undefined);
});

test('Alpine 3.20.3 against secdb v3.20: openssl CVE-2024-9143 on both binary packages of the openssl origin', () => {
  const fs = matchInventory(alpine(), store);
  const ids = fs.map((f) => `${f.ruleId} ${f.vulnerability!.package.name}`).sort();
  assert.deepEqual(ids, ['CVE-2024-9143 libcrypto3', 'CVE-2024-9143 libssl3']);
  const f = fs[0]!;
  assert.equal(f.stage, 'image');
  assert.equal(f.vulnerability!.status, 'fixed');
  assert.equal(f.vulnerability!.fixedVersion, '3.3.2-r1');
  assert.equal(f.vulnerability!.package.sourceName, 'openssl');
  assert.equal(f.vulnerability!.feed, 'alpine-secdb');
  assert.match(f.remediation.text, /^upgrade lib(crypto|ssl)3 \(source openssl\) to ≥ 3\.3\.2-r1$/);
  assert.ok(f.vulnerability!.package.layerDigest?.startsWith('sha256:'));
});

test('an unknown distro release is reported (BW-IMAGE-090), not silently skipped', () => {
  const inv = alpine();
  inv.os = { ...inv.os!, versionId: '3.99.1' };
  const r = matchInventoryDetailed(inv, store);
  assert.equal(r.findings.filter((f) => f.vulnerability).length, 0);
  const info = r.findings.find((f) => f.ruleId === 'BW-IMAGE-090')!;
  assert.ok(info);
  assert.equal(info.severity, 'info');
  assert.match(info.message, /alpine:v3\.99.*covers alpine:v3\.20/);
  assert.ok(r.warnings.some((w) => w.includes('14 package(s) not matched')));
});

test('npm: one finding per package and vulnerability, GHSA and CVE merged, CVSS severity, fix versions', () => {
  const fs = matchInventory(bookworm(), store);
  const lodash = vulnsOf(fs, 'lodash');
  const byId = Object.fromEntries(lodash.map((f) => [f.ruleId, f]));
  assert.deepEqual(Object.keys(byId).sort(), ['CVE-2020-28500', 'CVE-2020-8203', 'CVE-2021-23337', 'NSWG-ECO-516']);
  assert.deepEqual(byId['CVE-2021-23337']!.vulnerability!.aliases, ['GHSA-35jh-r3h4-6jhm']);
  assert.equal(byId['CVE-2021-23337']!.vulnerability!.fixedVersion, '4.17.21');
  assert.equal(byId['CVE-2021-23337']!.severity, 'high');
  assert.equal(byId['CVE-2021-23337']!.vulnerability!.cvss!.score, 7.2);
  const mm = vulnsOf(fs, 'minimist').map((f) => `${f.ruleId}>=${f.vulnerability!.fixedVersion}`).sort();
  assert.deepEqual(mm, ['CVE-2020-7598>=1.2.3', 'CVE-2021-44906>=1.2.6']);
  // the withdrawn jsonwebtoken advisory GHSA-27h2-hvpr-p74q (CVE-2022-23529) is not reported
  assert.deepEqual(vulnsOf(fs, 'jsonwebtoken').map((f) => f.ruleId).sort(), ['CVE-2022-23539', 'CVE-2022-23540', 'CVE-2022-23541']);
  // GHSA label used when there is no CVSS vector
  const cookie = vulnsOf(fs, 'cookie')[0]!;
  assert.equal(cookie.severity, 'low');
  assert.match(cookie.vulnerability!.severitySource!, /ghsa severity LOW/);
});

test('several ranges for one package: the range that holds the version gives the fix; a gap between ranges is not affected', () => {
  const at = (v: string) => matchInventory({ packages: [pkg('npm', 'minimist', v)], warnings: [] }, store).find((f) => f.vulnerability!.aliases.includes('GHSA-vh95-rmgr-6w4m'));
  assert.equal(at('0.1.0')?.vulnerability!.fixedVersion, '0.2.1');
  assert.equal(at('1.2.0')?.vulnerability!.fixedVersion, '1.2.3');
  assert.equal(at('0.2.5'), undefined);
  assert.equal(at('1.2.3'), undefined);
});

test('an advisory in two feeds (GHSA and the Node.js WG, same CVE) is one finding listing both ids', () => {
  const inv: InventoryReport = { packages: [pkg('npm', 'qs', '0.6.5')], warnings: [] };
  const fs = matchInventory(inv, store);
  const f = fs.find((x) => x.ruleId === 'CVE-2014-7191')!;
  assert.ok(f, JSON.stringify(fs.map((x) => x.ruleId)));
  assert.ok(f.vulnerability!.aliases.includes('GHSA-jjv7-qpx3-h62q'));
  assert.ok(f.vulnerability!.aliases.some((a) => a.startsWith('NSWG-ECO-')));
  assert.equal(f.vulnerability!.feed.split(',').sort().join(','), 'ghsa,nodejs-security-wg');
  assert.equal(fs.filter((x) => x.ruleId === 'CVE-2014-7191' || x.vulnerability!.aliases.includes('CVE-2014-7191')).length, 1);
});

test('Debian: matched by source name and source version; statuses and urgency from the tracker', () => {
  const fs = matchInventory(bookworm(), store);
  const libssl = vulnsOf(fs, 'libssl3');
  assert.ok(libssl.length > 5);
  assert.ok(libssl.every((f) => f.vulnerability!.package.sourceName === 'openssl' && f.vulnerability!.status === 'fixed'));
  const glibc = vulnsOf(fs, 'libc6');
  const unimp = glibc.find((f) => f.ruleId === 'CVE-2019-1010022')!;
  assert.equal(unimp.severity, 'info');
  assert.equal(unimp.vulnerability!.statusDetail, 'unimportant');
  assert.equal(unimp.vulnerability!.status, 'affected');
  assert.equal(unimp.remediation.text, 'no fix yet');
  const nodsa = glibc.find((f) => f.ruleId === 'CVE-2025-0395')!;
  assert.equal(nodsa.vulnerability!.status, 'will_not_fix');
  assert.equal(nodsa.vulnerability!.statusDetail, 'no-dsa: Minor issue');
  assert.match(nodsa.remediation.text, /^no fix yet: the distro will not fix this/);
  // --ignore-unfixed drops every finding without a fixed version
  const fixedOnly = matchInventory(bookworm(), store, { ignoreUnfixed: true });
  assert.ok(fixedOnly.every((f) => f.vulnerability!.status === 'fixed'));
  assert.ok(!fixedOnly.some((f) => f.ruleId === 'CVE-2019-1010022'));
  assert.ok(fixedOnly.length < fs.length);
});

test('language packages owned by an OS package are matched only through the OS feed', () => {
  const inv = bookworm();
  const owned = inv.packages.find((p) => p.name === 'urllib3')!;
  assert.ok(owned.ownedBy);
  const go = inv.packages.find((p) => p.name === 'stdlib')!;
  assert.ok(go.ownedBy, 'runc is a Debian package: its Go build info is owned by it');
  const fs = matchInventory(inv, store);
  assert.equal(vulnsOf(fs, 'stdlib').length, 0);
  assert.equal(vulnsOf(fs, 'urllib3').length, 0);
  const w = why(inv, store, 'stdlib', 'GO-2023-1751');
  assert.equal(w.matched, false);
  assert.ok(w.lines.some((l) => l.includes("belong to the deb package 'runc'")));
});

test('Go: stdlib by the binary toolchain version, module by path and version', { skip: findComparator('golang') ? false : 'no Go version order yet' }, () => {
  const inv: InventoryReport = {
    packages: [
      { ...pkg('golang', 'github.com/gin-gonic/gin', 'v1.5.0'), go: { toolchain: 'go1.19.8', binary: 'app/server' } },
      { ...pkg('golang', 'github.com/opencontainers/runc', 'v1.1.11'), go: { toolchain: 'go1.19.8', binary: 'usr/bin/runc' } },
    ],
    warnings: [],
  };
  const fs = matchInventory(inv, store, { explain: true });
  const ids = fs.map((f) => `${f.vulnerability!.package.name} ${f.ruleId} ${f.vulnerability!.fixedVersion}`).sort();
  assert.ok(ids.includes('github.com/gin-gonic/gin CVE-2020-36567 1.6.0'), ids.join('\n'));
  assert.ok(ids.includes('github.com/opencontainers/runc CVE-2024-21626 1.1.12'), ids.join('\n'));
  assert.ok(ids.includes('stdlib CVE-2023-24539 1.19.9'), ids.join('\n'));
  // one stdlib per binary
  assert.equal(fs.filter((f) => f.ruleId === 'CVE-2023-24539').length, 2);
  const runc = fs.find((f) => f.ruleId === 'CVE-2024-21626')!;
  assert.ok(runc.vulnerability!.aliases.includes('GO-2024-2491'));
  assert.ok(runc.vulnerability!.kev === undefined || runc.vulnerability!.kev.dateAdded);
  assert.ok(runc.vulnerability!.explanation!.some((l) => /comparison: SEMVER range .*1\.1\.11 < 1\.1\.12 \(fixed\)/.test(l)), runc.vulnerability!.explanation!.join('\n'));
  const fixedOk = matchInventory({ packages: [pkg('golang', 'github.com/opencontainers/runc', 'v1.1.12')], warnings: [] }, store);
  assert.ok(!fixedOk.some((f) => f.ruleId === 'CVE-2024-21626'));
});

test('a hit through the explicit versions list still reports the fixed version from the ranges', { skip: findComparator('pypi') ? false : 'no PEP 440 order yet' }, () => {
  const fs = matchInventory({ packages: [pkg('pypi', 'pip', '23.0.1')], warnings: [] }, store, { explain: true });
  const f = fs.find((x) => x.ruleId === 'CVE-2023-5752')!;
  assert.ok(f, fs.map((x) => x.ruleId).join(','));
  assert.deepEqual(f.vulnerability!.aliases, ['PYSEC-2023-228']);
  assert.equal(f.vulnerability!.status, 'fixed');
  assert.equal(f.vulnerability!.fixedVersion, '23.3');
  assert.equal(f.remediation.text, 'upgrade pip to ≥ 23.3');
  assert.ok(f.vulnerability!.explanation!.includes('comparison: 23.0.1 is listed among the affected versions'));
  assert.equal(matchInventory({ packages: [pkg('pypi', 'pip', '23.3')], warnings: [] }, store).length, 0);
});

test('KEV flags a finding and keeps the severity its ratings give', () => {
  // CVE-2021-44228 (log4j) is in the KEV fixture and the GHSA fixture
  const inv: InventoryReport = { packages: [pkg('maven', 'org.apache.logging.log4j:log4j-core', '2.14.1')], warnings: [] };
  const fs = matchInventory(inv, store);
  const f = fs.find((x) => x.ruleId === 'CVE-2021-44228');
  if (!findComparator('maven')) {
    assert.ok(!f);
    return;
  }
  assert.ok(f, fs.map((x) => x.ruleId).join(','));
  assert.equal(f.vulnerability!.kev!.dateAdded, '2021-12-10');
  assert.equal(f.vulnerability!.kev!.dueDate, '2021-12-24');
  assert.equal(f.evidence!.priority, 'known-exploited');
  assert.equal(f.severity, 'critical', 'GHSA rates log4shell CRITICAL');
  assert.equal(f.vulnerability!.rating!.source, 'ghsa');
  assert.match(f.title, /^\[KEV\]/);
});

test('KEV does not raise a low-rated OS finding: it stays info, is flagged, and sorts first among the info findings', async () => {
  // the tracker-states glibc CVE-2019-1010022 (urgency unimportant) made known-exploited by an extra KEV document
  const dir = tmpCache();
  const kevFile = join(dir, 'kev.json');
  writeFileSync(kevFile, JSON.stringify({ catalogVersion: '2024.01.01', dateReleased: '2024-01-01T00:00:00Z', vulnerabilities: [{ cveID: 'CVE-2019-1010022', dateAdded: '2024-01-01', dueDate: '2024-01-22', vulnerabilityName: 'test' }] }));
  const db = await buildDb([fx('debian/tracker-states.json'), fx('debian/bookworm-trixie-subset.json'), kevFile]);
  const s = VulnStore.open(db.path);
  try {
    const fs = matchInventory(bookworm(), s);
    const f = fs.find((x) => x.ruleId === 'CVE-2019-1010022')!;
    assert.equal(f.severity, 'info');
    assert.deepEqual(f.vulnerability!.rating, { source: 'debian', severity: 'info', method: 'vendor', label: 'unimportant' });
    assert.equal(f.vulnerability!.kev!.dateAdded, '2024-01-01');
    assert.equal(f.evidence!.priority, 'known-exploited');
    assert.match(f.title, /^\[KEV\] CVE-2019-1010022/);
    const infos = sortFindings(fs.filter((x) => x.severity === 'info'));
    assert.ok(infos.length > 1);
    assert.equal(infos[0]!.ruleId, 'CVE-2019-1010022', 'known-exploited first within its severity');
  } finally {
    s.close();
  }
});

test('--explain: file -> package -> advisory -> comparison -> status', () => {
  const f = matchInventory(alpine(), store, { explain: true })[0]!;
  const ex = f.vulnerability!.explanation!;
  assert.match(ex[0]!, /^file: lib\/apk\/db\/installed \(layer 0/);
  assert.match(ex[1]!, /^package: apk lib(ssl|crypto)3 3\.3\.2-r0, source openssl 3\.3\.2-r0/);
  assert.match(ex[2]!, /^advisory: CVE-2024-9143 from alpine-secdb .* alpine:v3\.20 package 'openssl'/);
  assert.match(ex[3]!, /^comparison: ECOSYSTEM range \[introduced 0 .*apk 3\.3\.2-r0 < 3\.3\.2-r1 \(fixed\)\] -> in range/);
  assert.equal(ex[4], 'status: CVE-2024-9143 fixed, fixed in 3.3.2-r1');
  assert.equal(matchInventory(alpine(), store)[0]!.vulnerability!.explanation, undefined);
});

test('why: a match, a non-match by version, a never-affected entry, an unknown advisory', () => {
  const yes = why(alpine(), store, 'libssl3', 'CVE-2024-9143');
  assert.equal(yes.matched, true);
  assert.ok(yes.lines.some((l) => l.includes('=> MATCH, fixed in 3.3.2-r1')));
  const no = why(alpine(), store, 'busybox', 'CVE-2023-42366');
  assert.equal(no.matched, false);
  assert.ok(no.lines.some((l) => /apk 1\.36\.1-r29 > 1\.36\.1-r25 \(fixed\)/.test(l)), no.lines.join('\n'));
  const never = why(alpine(), store, 'busybox', 'CVE-2021-42373');
  assert.equal(never.matched, false);
  assert.ok(never.lines.some((l) => l.includes('was never affected in alpine:v3.20')), never.lines.join('\n'));
  const unknown = why(alpine(), store, 'busybox', 'CVE-1999-99999');
  assert.match(unknown.lines.join('\n'), /no feed in the database has an advisory/);
  const other = why(alpine(), store, 'musl', 'CVE-2024-9143');
  assert.match(other.lines.join('\n'), /does not name this package/);
  // a GHSA id finds the merged CVE finding too
  const gh = why(bookworm(), store, 'lodash', 'GHSA-35jh-r3h4-6jhm');
  assert.equal(gh.matched, true);
  assert.ok(gh.lines.some((l) => l.startsWith('finding: CVE-2021-23337 high')));
});

test('OpenVEX: not_affected with justification suppresses; fixed suppresses; affected adds the action; bad statements', () => {
  const fs = matchInventory(bookworm(), store);
  const vex = parseVex(
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.com/vex/1',
      author: 'app team',
      timestamp: '2024-10-01T00:00:00Z',
      version: 1,
      statements: [
        { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
        { vulnerability: { name: 'GHSA-vh95-rmgr-6w4m' }, products: [{ '@id': 'pkg:npm/minimist' }], status: 'fixed' },
        { vulnerability: { name: 'CVE-2022-23539' }, products: [], status: 'affected', action_statement: 'pin allowed algorithms' },
        { vulnerability: { name: 'CVE-2020-28500' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected' },
        { vulnerability: { name: 'CVE-2020-8203' }, products: [{ '@id': 'pkg:npm/lodash@9.9.9' }], status: 'not_affected', justification: 'component_not_present' },
        { vulnerability: { name: 'CVE-2024-29041' }, status: 'under_investigation' },
      ],
    }),
    'test.vex.json',
  );
  const warnings = applyVex(fs, vex);
  const get = (id: string, name: string) => fs.find((f) => f.ruleId === id && f.vulnerability!.package.name === name)!;
  assert.deepEqual(get('CVE-2021-23337', 'lodash').suppressed?.kind, 'vex');
  assert.match(get('CVE-2021-23337', 'lodash').suppressed!.reason!, /not_affected: vulnerable_code_not_in_execute_path/);
  assert.equal(get('CVE-2020-7598', 'minimist').suppressed?.kind, 'vex', 'matched through the GHSA alias');
  assert.equal(get('CVE-2022-23539', 'jsonwebtoken').suppressed, undefined);
  assert.match(get('CVE-2022-23539', 'jsonwebtoken').remediation.text, /VEX: pin allowed algorithms/);
  assert.equal(get('CVE-2020-28500', 'lodash').suppressed, undefined, 'not_affected without justification is ignored');
  assert.ok(warnings.some((w) => w.includes('neither justification nor impact_statement')));
  assert.equal(get('CVE-2020-8203', 'lodash').suppressed, undefined, 'another version of the product');
  assert.equal(get('CVE-2024-29041', 'express').suppressed, undefined);
  assert.equal((get('CVE-2024-29041', 'express').evidence!.vex as { status: string }).status, 'under_investigation');
  assert.throws(() => parseVex('{"statements": []}', 'x.json'), /not an OpenVEX document/);
  assert.throws(() => parseVex('{', 'x.json'), /not a JSON OpenVEX/);
  assert.throws(() => parseVex(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ vulnerability: { name: 'X' }, status: 'maybe' }] }), 'x.json'), /unknown status 'maybe'/);
});

test('scan entry point: refuses without a DB, warns when the DB is older than the configured age, applies VEX files', () => {
  assert.throws(() => vulnerabilityFindings(alpine(), { cacheDir: tmpCache() }), /no vulnerability database .*db update/);
  const fresh = vulnerabilityFindings(alpine(), { dbFile });
  assert.ok(!fresh.warnings.some((w) => w.includes('days old')));
  assert.equal(stalenessWarning(store, 7), undefined);
  const stale = vulnerabilityFindings(alpine(), { dbFile, maxAgeDays: 1e-9 });
  assert.ok(stale.warnings.some((w) => /vulnerability database is .* days old \(limit/.test(w)));
  const vexFile = join(tmpCache(), 'a.vex.json');
  writeFileSync(
    vexFile,
    JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ vulnerability: { name: 'CVE-2024-9143' }, status: 'not_affected', justification: 'vulnerable_code_not_present' }] }),
  );
  const r = vulnerabilityFindings(alpine(), { dbFile, vexFiles: [vexFile] });
  assert.ok(r.findings.length === 2 && r.findings.every((f) => f.suppressed?.kind === 'vex'));
});

function pkg(ecosystem: Package['ecosystem'], name: string, version: string): Package {
  return { name, version, ecosystem, purl: `pkg:${ecosystem}/${name}@${version}`, path: `test/${name}` };
}

test('the range index gives exactly the rows and verdicts that evaluating every row gives, for every package of the fixture database', () => {
  const pkgs = store.db.prepare('SELECT ecosystem, namespace, package, idx FROM packages').raw(true).all() as Array<[string, string, string, string]>;
  assert.ok(pkgs.length > 50);
  let sortedRows = 0;
  let compared = 0;
  for (const [eco, ns, name, idx] of pkgs) {
    const cmp = findComparator(eco);
    if (!cmp) continue;
    const packed = store.packedFor(eco, ns, name)!;
    const rows = packed.rows();
    sortedRows += packed.fixedCount();
    assert.ok(idx.split('\n').length >= 2, `${eco} ${ns} ${name}: index has its two offset lines`);
    // installed versions: every version the rows name, one below and above each, the lowest, junk
    const versions = new Set<string>(['0', '0.0.1', '1.0.0', '99999.0', '', 'not a version!', '1:0']);
    for (const r of rows) {
      for (const rg of r.ranges) for (const e of rg.events) for (const v of Object.values(e)) if (v) versions.add(v);
      for (const v of r.versions.slice(0, 5)) versions.add(v);
      if (r.simpleFixed) {
        versions.add(r.simpleFixed);
        versions.add(`${r.simpleFixed}~1`);
        versions.add(`${r.simpleFixed}.1`);
        versions.add(`${r.simpleFixed}-1`);
      }
    }
    for (const v of versions) {
      const brute: Array<{ id: string; affected: boolean; fixed?: string; error?: string }> = [];
      for (const row of rows) {
        const verdict = evaluateRowFast(cmp, v, row);
        if (verdict.affected || verdict.error) brute.push({ id: row.vulnId, affected: verdict.affected, fixed: verdict.fixed, error: verdict.error });
      }
      const fast = affectingRows(cmp, v, packed);
      if (!fast) continue; // the caller evaluates every row
      compared++;
      const got = JSON.stringify(fast.map((f) => ({ id: f.row.vulnId, affected: f.verdict.affected, fixed: f.verdict.fixed, error: f.verdict.error })));
      const want = JSON.stringify(brute);
      // (compared as text, reported briefly: a diff of long arrays takes minutes)
      if (got !== want) assert.fail(`${eco} ${ns} ${name} at '${v}': index ${got.slice(0, 300)} vs every row ${want.slice(0, 300)}`);
      for (const f of fast) assert.ok(rows.includes(f.row), 'the index hands out the same row objects as affectedFor');
    }
  }
  assert.ok(sortedRows > 100, `rows sorted by fixed version: ${sortedRows}`);
  assert.ok(compared > 1000, `versions compared through the index: ${compared}`);
});

test('the range index search: the sorted rows above a version, by binary search over the index text; a damaged index ends the search', () => {
  const npm = findComparator('npm')!;
  const fixed = ['1.0.0', '1.0.0', '1.2.0', '2.0.0', '2.0.0', '3.1.0'];
  const idx = `7,9\n11${fixed.map((v, i) => `\n${v}\t${100 + i}`).join('')}`;
  const p = new PackedPackage('npm', '', 'x', '', idx, []);
  assert.deepEqual(p.unfixed(), [7, 9]);
  assert.deepEqual(p.others(), [11]);
  for (const v of ['0.0.1', '1.0.0', '1.1.0', '1.2.0', '1.9.9', '2.0.0', '3.0.0', '3.1.0', '4.0.0']) {
    const want = fixed.flatMap((f, i) => (npm.compare(v, f) < 0 ? [100 + i] : []));
    assert.deepEqual(p.sortedAbove(npm, v), want, v);
  }
  assert.deepEqual(new PackedPackage('npm', '', 'x', '', '1\n2', []).sortedAbove(npm, '1.0.0'), []);
  // a line without its tab (a damaged file): an error, which sends the matcher to evaluate every row
  const damaged = new PackedPackage('npm', '', 'x', 'a', '\n\n1.0.0\t0\n2.0.0', []);
  assert.throws(() => damaged.sortedAbove(npm, '0.5.0'), /damaged range index/);
  assert.equal(affectingRows(npm, '0.5.0', damaged), undefined);
});

test('the fast path (no explanation) and the full evaluation (--explain) give the same findings', () => {
  for (const inv of [bookworm(), alpine(), loadInventory(fx('inventory/bookworm-app-full.json'))]) {
    const strip = (fs: Finding[]) => fs.map((f) => ({ ...f, vulnerability: f.vulnerability && { ...f.vulnerability, explanation: undefined } }));
    const fast = matchInventoryDetailed(inv, VulnStore.open(dbFile), {});
    const full = matchInventoryDetailed(inv, VulnStore.open(dbFile), { explain: true });
    assert.ok(fast.findings.length > 0);
    // compared as text, the first difference reported: a diff of thousands of findings takes minutes
    const a = JSON.stringify(strip(fast.findings));
    const b = JSON.stringify(strip(full.findings));
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (a !== b) assert.fail(`fast and full findings differ at ${i}: ${a.slice(Math.max(0, i - 200), i + 100)} vs ${b.slice(Math.max(0, i - 200), i + 100)}`);
    assert.deepEqual(fast.warnings, full.warnings);
  }
});
