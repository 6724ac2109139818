/**
 * Severity ratings from every source: one fixture advisory per source and per combination
 * (test/fixtures/vulndb/ratings, see the README there), imported through the real feed readers into a real
 * database, matched, filtered and rendered.
 *
 *   Debian urgency alone / with NVD CVSS v3.1 / with NVD CVSS v4.0+v3.1 / NVD CVSS v2 only / nobody / KEV;
 *   GHSA word + CVSS v4.0 + v3.1 with NVD on the CVE alias / GHSA CVSS v4.0 only; Node.js WG bare score;
 *   PyPA CVSS v3.0; Ubuntu priority + CVSS on an Ubuntu release.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/core/finding.js';
import type { InventoryReport, Package } from '../../src/inventory/types.js';
import { VulnStore } from '../../src/vulndb/store.js';
import { matchInventory } from '../../src/vulndb/match/index.js';
import { parseSeveritySources, knownRatingSources, chooseRating } from '../../src/vulndb/ratings.js';
import { applyPolicy, findingCounts, sortFindings } from '../../src/core/policy.js';
import { SEVERITIES } from '../../src/core/finding.js';
import { toSarif } from '../../src/report/sarif.js';
import { renderCycloneDx } from '../../src/report/cyclonedx.js';
import { runCli } from '../support/cli.js';
import { InputError } from '../../src/core/errors.js';
import { buildDb, fx, tmpCache, ALL_FIXTURE_SOURCES } from './helpers.js';

const RATINGS = [
  fx('ratings/debian-tracker.json'),
  fx('ratings/nvd.json'),
  fx('ratings/kev.json'),
  fx('ratings/osv'),
  fx('ratings/nodejs'),
];

let store: VulnStore;
let dbFile: string;
before(async () => {
  const db = await buildDb(RATINGS);
  dbFile = db.path;
  store = VulnStore.open(db.path);
});
after(() => store.close());

const deb = (name: string, version: string, distro: string): Package => ({
  name, version, ecosystem: 'deb', sourceName: name, sourceVersion: version, path: 'var/lib/dpkg/status', purl: `pkg:deb/${distro}/${name}@${version}`,
});
const lang = (ecosystem: Package['ecosystem'], name: string, version: string): Package => ({
  name, version, ecosystem, purl: `pkg:${ecosystem}/${name}@${version}`, path: `app/${name}`,
});

function debianInv(): InventoryReport {
  return {
    os: { id: 'debian', versionId: '12', codename: 'bookworm', evidence: 'etc/os-release' },
    packages: [deb('rated-src', '1.0-1', 'debian'), lang('npm', 'rated-npm', '1.0.0'), lang('npm', 'wg-only', '1.0.0'), lang('pypi', 'rated-py', '1.0')],
    warnings: [],
  };
}

function ubuntuInv(): InventoryReport {
  return { os: { id: 'ubuntu', versionId: '22.04', evidence: 'etc/os-release' }, packages: [deb('rated-src', '1.0-1', 'ubuntu')], warnings: [] };
}

function byId(fs: Finding[]): Map<string, Finding> {
  return new Map(fs.map((f) => [`${f.ruleId} ${f.vulnerability!.package.name}`, f]));
}

const chosen = (f: Finding) => {
  const r = f.vulnerability!.rating;
  return r ? `${f.severity} ${r.source} ${r.method}${r.score !== undefined ? ' ' + r.score : ''}${r.label ? ' ' + r.label : ''}` : `${f.severity} -`;
};

test('default preference: the distro first for OS packages, GitHub then NVD for language packages, then anyone', () => {
  const fs = byId(matchInventory(debianInv(), store));
  const got = Object.fromEntries([...fs].map(([k, f]) => [k, chosen(f)]));
  assert.deepEqual(got, {
    'CVE-2099-1001 rated-src': 'low debian vendor low',
    'CVE-2099-1002 rated-src': 'high nvd CVSS:2.0 7.5',
    'CVE-2099-1003 rated-src': 'info debian vendor unimportant',
    'CVE-2099-1004 rated-src': 'unknown -',
    'CVE-2099-1005 rated-src': 'medium debian vendor medium',
    'CVE-2099-2001 rated-npm': 'medium ghsa vendor MODERATE',
    'GHSA-rtng-0002-0002 rated-npm': 'critical ghsa CVSS:4.0 9.3',
    'NSWG-ECO-9001 wg-only': 'medium nodejs-security-wg CVSS 4.3',
    'PYSEC-2099-1 rated-py': 'medium osv-pypi CVSS:3.0 5.4',
  });
  // every rating is kept, the chosen one first; severitySource says which in words
  const c1001 = fs.get('CVE-2099-1001 rated-src')!.vulnerability!;
  assert.equal(c1001.severitySource, 'debian urgency low');
  assert.deepEqual(
    c1001.ratings!.map((r) => `${r.source} ${r.method} ${r.severity}`),
    ['debian vendor low', 'nvd CVSS:3.1 critical'],
    'NVD Primary metric only (the CNA Secondary one is not NVD rating)',
  );
  assert.equal(c1001.cvss?.score, 9.8, 'the CVSS shown is the first CVSS rating when the chosen one has none');
  // Debian's trailing "**" is dropped from the word; NVD's v4.0 comes before its v3.1
  const c1005 = fs.get('CVE-2099-1005 rated-src')!.vulnerability!;
  assert.deepEqual(c1005.ratings!.map((r) => `${r.source} ${r.method} ${r.label ?? r.score}`), ['debian vendor medium', 'nvd CVSS:4.0 9.3', 'nvd CVSS:3.1 3.7']);
  // the GHSA finding: GitHub's word, its v4.0 and v3.1 vectors, and NVD's rating of the CVE alias
  const g1 = fs.get('CVE-2099-2001 rated-npm')!.vulnerability!;
  assert.deepEqual(
    g1.ratings!.map((r) => `${r.source} ${r.method} ${r.severity}${r.id ? ' ' + r.id : ''}`),
    ['ghsa vendor medium GHSA-rtng-0001-0001', 'ghsa CVSS:4.0 medium GHSA-rtng-0001-0001', 'ghsa CVSS:3.1 high GHSA-rtng-0001-0001', 'nvd CVSS:3.1 critical'],
  );
  // unrated is unknown, never medium
  const u = fs.get('CVE-2099-1004 rated-src')!;
  assert.equal(u.vulnerability!.rating, undefined);
  assert.match(u.vulnerability!.severitySource!, /^none/);
});

test('sources of one rank are ordered as localeCompare orders them (every known source, and names outside a-z0-9-)', () => {
  const names = [...knownRatingSources(), 'osv', 'osv-a', 'osva', 'a-b', 'ab', 'a0', 'Zeta', 'zeta', 'éclair', 'e_x', 'e.x', 'e-x'];
  const want = [...names].sort((a, b) => a.localeCompare(b));
  // every source outside the explicit order shares its last rank; the list order is reversed to make the sort work
  const got = chooseRating([...names].reverse().map((source) => ({ source, severity: 'low' as const, method: 'vendor' })), '', ['none-of-these']).ordered;
  assert.deepEqual(got.map((r) => r.source), want);
});

test('Ubuntu: the priority Ubuntu publishes in OSV is the vendor rating of an Ubuntu package', () => {
  const fs = matchInventory(ubuntuInv(), store);
  assert.deepEqual(fs.map(chosen), ['high ubuntu vendor high']);
  assert.equal(fs[0]!.vulnerability!.severitySource, 'ubuntu priority high');
  assert.deepEqual(fs[0]!.vulnerability!.ratings!.map((r) => `${r.source} ${r.method}`), ['ubuntu vendor', 'ubuntu CVSS:3.1']);
});

test('--severity-source: only the sources listed, in that order; auto = the default order at its place', () => {
  const run = (spec: string) => Object.fromEntries([...byId(matchInventory(debianInv(), store, { severitySources: parseSeveritySources(spec) }))].map(([k, f]) => [k, chosen(f)]));
  const nvd = run('nvd');
  assert.equal(nvd['CVE-2099-1001 rated-src'], 'critical nvd CVSS:3.1 9.8');
  assert.equal(nvd['CVE-2099-1005 rated-src'], 'critical nvd CVSS:4.0 9.3', 'the newest CVSS version of a source first');
  assert.equal(nvd['CVE-2099-1003 rated-src'], 'unknown -', 'NVD did not rate it: unknown, though Debian did');
  assert.equal(nvd['CVE-2099-2001 rated-npm'], 'critical nvd CVSS:3.1 9.8', 'NVD rates the GHSA advisory through its CVE alias');
  assert.equal(nvd['NSWG-ECO-9001 wg-only'], 'unknown -');
  const nvdAuto = run('nvd,auto');
  assert.equal(nvdAuto['CVE-2099-1001 rated-src'], 'critical nvd CVSS:3.1 9.8');
  assert.equal(nvdAuto['CVE-2099-1003 rated-src'], 'info debian vendor unimportant', 'auto falls back to the default order');
  assert.equal(nvdAuto['NSWG-ECO-9001 wg-only'], 'medium nodejs-security-wg CVSS 4.3', 'auto includes every other source');
  const ghsaNvd = run('ghsa,nvd');
  assert.equal(ghsaNvd['CVE-2099-1001 rated-src'], 'critical nvd CVSS:3.1 9.8');
  assert.equal(ghsaNvd['NSWG-ECO-9001 wg-only'], 'unknown -');
  assert.equal(run('nodejs-security-wg')['NSWG-ECO-9001 wg-only'], 'medium nodejs-security-wg CVSS 4.3');
  // the explicit order does not drop the other ratings from the finding
  const f = byId(matchInventory(debianInv(), store, { severitySources: ['nvd'] })).get('CVE-2099-1003 rated-src')!;
  assert.deepEqual(f.vulnerability!.ratings!.map((r) => r.source), ['debian']);
  assert.match(f.vulnerability!.severitySource!, /^none \(no rating from nvd\)/);

  assert.equal(parseSeveritySources('auto'), undefined);
  assert.deepEqual(parseSeveritySources(' NVD , debian,nvd'), ['nvd', 'debian']);
  assert.throws(() => parseSeveritySources('nvd,acme'), (e: unknown) => e instanceof InputError && /unknown severity source 'acme'/.test(e.message));
  for (const s of ['debian', 'ubuntu', 'ghsa', 'nvd', 'nodejs-security-wg', 'osv-pypi']) assert.ok(knownRatingSources().includes(s), s);
});

test('no finding shows a severity no source gave it (fixture feeds and the whole fixture database)', async () => {
  const other = await buildDb([...ALL_FIXTURE_SOURCES, fx('ratings/nvd.json')]);
  const s2 = VulnStore.open(other.path);
  try {
    const { loadInventory } = await import('../../src/vulndb/saved-inventory.js');
    const all = [
      ...matchInventory(debianInv(), store),
      ...matchInventory(ubuntuInv(), store),
      ...matchInventory(loadInventory(fx('inventory/bookworm-app-subset.json')), s2),
      ...matchInventory(loadInventory(fx('inventory/alpine-3.20.3.json')), s2),
    ].filter((f) => f.vulnerability);
    assert.ok(all.length > 30);
    for (const f of all) {
      const v = f.vulnerability!;
      if (f.severity === 'unknown') {
        assert.equal(v.rating, undefined, f.ruleId);
        continue;
      }
      assert.ok(v.rating, `${f.ruleId} is ${f.severity} without a rating`);
      assert.equal(v.rating.severity, f.severity, `${f.ruleId}: severity is the chosen rating's`);
      assert.deepEqual(v.ratings![0], v.rating, `${f.ruleId}: the chosen rating comes first`);
    }
  } finally {
    s2.close();
  }
});

test('KEV: flagged, sorted first within its severity, counted, and --kev-only keeps only it', () => {
  const fs = matchInventory(debianInv(), store);
  const k = fs.find((f) => f.ruleId === 'CVE-2099-1003')!;
  assert.equal(k.severity, 'info', 'KEV does not change the severity');
  assert.deepEqual(k.vulnerability!.kev, { dateAdded: '2099-01-01', dueDate: '2099-01-22', knownRansomware: 'Unknown' });
  const report = { tool: { name: 'bulwark', version: '0' }, targets: [], findings: fs, summary: { vulnerabilities: fs.length } };
  const all = applyPolicy(report, { severities: new Set(SEVERITIES), ignores: [] });
  const counts = all.summary!.counts as ReturnType<typeof findingCounts>;
  assert.deepEqual(counts.vulnerabilities, {
    total: 9,
    bySeverity: { critical: 1, high: 1, medium: 4, low: 1, unknown: 1, info: 1 },
    byRatingSource: { debian: 3, ghsa: 2, none: 1, 'nodejs-security-wg': 1, nvd: 1, 'osv-pypi': 1 },
    kev: 1,
  });
  assert.deepEqual(counts.bySeverity, counts.vulnerabilities!.bySeverity);
  // KEV first among equals
  const low = sortFindings([...fs.filter((f) => f.severity === 'info' || f.severity === 'unknown')].reverse());
  assert.equal(low.filter((f) => f.severity === 'info')[0]!.ruleId, 'CVE-2099-1003');
  // --kev-only
  const kevOnly = applyPolicy(report, { severities: new Set(SEVERITIES), ignores: [], kevOnly: true });
  assert.deepEqual(kevOnly.findings.map((f) => f.ruleId), ['CVE-2099-1003']);
  assert.equal((kevOnly.summary!.counts as ReturnType<typeof findingCounts>).vulnerabilities!.kev, 1);
  // --severity gates never admit unknown unless named
  const medium = applyPolicy(report, { severities: new Set(['critical', 'high', 'medium']), ignores: [] });
  assert.ok(!medium.findings.some((f) => f.severity === 'unknown'));
});

test('SARIF and CycloneDX carry the chosen rating and all the others', () => {
  const fs = matchInventory(debianInv(), store).filter((f) => f.ruleId === 'CVE-2099-1001' || f.ruleId === 'CVE-2099-1004');
  const report = { tool: { name: 'bulwark', version: '0' }, targets: [{ type: 'image' as const, name: 'x' }], findings: fs };
  const sarif = toSarif(report) as { runs: Array<{ results: Array<{ ruleId: string; properties: Record<string, unknown> }> }> };
  const r1001 = sarif.runs[0]!.results.find((r) => r.ruleId === 'CVE-2099-1001')!;
  const v = r1001.properties.vulnerability as { rating: { source: string }; ratings: unknown[] };
  assert.equal(v.rating.source, 'debian');
  assert.equal(v.ratings.length, 2);
  // a vendor word has no score: security-severity is its level's number, not NVD's 9.8
  assert.notEqual(r1001.properties['security-severity'], '9.8');
  const bom = JSON.parse(renderCycloneDx(report)) as {
    vulnerabilities: Array<{ id: string; ratings: Array<{ source?: { name: string }; severity: string; method?: string; score?: number; justification?: string }>; properties?: Array<{ name: string; value: string }> }>;
  };
  const c1001 = bom.vulnerabilities.find((v) => v.id === 'CVE-2099-1001')!;
  assert.deepEqual(
    c1001.ratings.map((r) => `${r.source?.name} ${r.severity} ${r.method} ${r.score ?? '-'}`),
    ['debian low other -', 'nvd critical CVSSv31 9.8'],
  );
  assert.match(c1001.ratings[0]!.justification!, /low/);
  assert.deepEqual(c1001.properties?.find((p) => p.name === 'bulwark:rating:chosen')?.value, 'debian vendor');
  const c1004 = bom.vulnerabilities.find((v) => v.id === 'CVE-2099-1004')!;
  assert.deepEqual(c1004.ratings.map((r) => r.severity), ['unknown']);
});

test('CLI: db match --severity-source nvd --kev-only -f json, and vulndb.severity-source in .bulwark.yaml', async () => {
  const dir = tmpCache();
  const inv = join(dir, 'inv.json');
  writeFileSync(inv, JSON.stringify(debianInv()));
  const r = await runCli(['db', 'match', '--db', dbFile, '--inventory', inv, '-f', 'json', '--severity-source', 'nvd', '--max-age', '100000']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { findings: Finding[]; summary: { counts: ReturnType<typeof findingCounts> } };
  assert.equal(rep.findings.find((f) => f.ruleId === 'CVE-2099-1001')!.severity, 'critical');
  assert.equal(rep.summary.counts.vulnerabilities!.byRatingSource.nvd, 4);
  const k = await runCli(['db', 'match', '--db', dbFile, '--inventory', inv, '-f', 'json', '--kev-only', '--max-age', '100000']);
  assert.deepEqual((JSON.parse(k.stdout) as { findings: Finding[] }).findings.map((f) => f.ruleId), ['CVE-2099-1003']);
  const cfg = join(dir, '.bulwark.yaml');
  writeFileSync(cfg, 'vulndb:\n  severity-source: [nvd, auto]\n');
  const c = await runCli(['db', 'match', '--db', dbFile, '--inventory', inv, '-f', 'json', '--config', cfg, '--max-age', '100000']);
  const cr = JSON.parse(c.stdout) as { findings: Finding[] };
  assert.equal(cr.findings.find((f) => f.ruleId === 'CVE-2099-1001')!.severity, 'critical');
  assert.equal(cr.findings.find((f) => f.ruleId === 'CVE-2099-1003')!.severity, 'info');
  const bad = await runCli(['db', 'match', '--db', dbFile, '--inventory', inv, '--severity-source', 'acme']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown severity source 'acme'/);
});
