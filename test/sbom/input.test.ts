/**
 * SBOMs and saved inventories as input: `sbom -f json|cyclonedx|spdx` output round-trips into `db match` and
 * `bulwark image sbom:FILE` with the same findings as the image itself; Trivy's CycloneDX and SPDX documents of
 * the same tree match the same; purls parse as the purl-spec test suite says; hostile documents are one-line
 * input errors.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildDb, fx } from '../vulndb/helpers.js';
import { parsePurl } from '../../src/inventory/purl.js';
import { inventoryFromDocument } from '../../src/inventory/sbom-document.js';

const INV = fileURLToPath(new URL('../fixtures/inventory/', import.meta.url));
const SBOM = fileURLToPath(new URL('../fixtures/sbom/', import.meta.url));

let root: string;
let cache: string;
let ref: string;
before(async () => {
  root = tempDir('bulwark-sbom-input-');
  mkdirSync(join(root, 'fs/etc'), { recursive: true });
  mkdirSync(join(root, 'fs/lib/apk/db'), { recursive: true });
  writeFileSync(join(root, 'fs/etc/os-release'), readFileSync(INV + 'os/alpine-os-release'));
  writeFileSync(join(root, 'fs/lib/apk/db/installed'), readFileSync(INV + 'apk/installed-3.20.3'));
  ref = `dir:${join(root, 'fs')}`;
  cache = (await buildDb([fx('alpine')])).cacheDir;
});

interface Rep {
  findings: Array<{ ruleId: string; vulnerability?: { package: { name: string; version: string } } }>;
  warnings?: string[];
  targets: Array<{ name: string }>;
}
const vulns = (r: Rep) => r.findings.filter((f) => f.vulnerability).map((f) => `${f.ruleId} ${f.vulnerability!.package.name} ${f.vulnerability!.package.version}`).sort();
const EXPECTED = ['CVE-2024-9143 libcrypto3 3.3.2-r0', 'CVE-2024-9143 libssl3 3.3.2-r0'];

test('the image itself: two findings (the reference every SBOM form must reproduce)', async () => {
  const r = await runCli(['image', ref, '--no-cache', '--no-checks', '--cache-dir', cache, '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(vulns(JSON.parse(r.stdout) as Rep), EXPECTED);
});

for (const format of ['json', 'cyclonedx', 'spdx'] as const) {
  test(`sbom -f ${format} round-trips: db match --inventory/--sbom and image sbom:FILE find the same`, async () => {
    const file = join(root, `bom.${format}.json`);
    const s = await runCli(['sbom', ref, '--no-cache', '-f', format, '-o', file]);
    assert.equal(s.code, 0, s.stderr);
    for (const flag of format === 'json' ? ['--inventory', '--sbom'] : ['--sbom', '--inventory']) {
      const m = await runCli(['db', 'match', '--cache-dir', cache, flag, file, '-f', 'json']);
      assert.equal(m.code, 0, m.stderr);
      const rep = JSON.parse(m.stdout) as Rep;
      assert.deepEqual(vulns(rep), EXPECTED, `${format} ${flag}`);
      assert.deepEqual(rep.warnings ?? [], [], 'nothing skipped, OS known');
    }
    const img = await runCli(['image', `sbom:${file}`, '--cache-dir', cache, '-f', 'json', '--exit-code', '5']);
    assert.equal(img.code, 5, img.stderr);
    assert.deepEqual(vulns(JSON.parse(img.stdout) as Rep), EXPECTED);
    const table = await runCli(['image', `sbom:${file}`, '--cache-dir', cache]);
    assert.match(table.stdout, /SBOM: +.*bom\.\w+\.json \((bulwark-report|cyclonedx|spdx)\)/);
    assert.match(table.stdout, /Packages: 14 \(apk 14\)/);
  });
}

test('an SBOM converts to another format (sbom sbom:FILE -f spdx) and still matches', async () => {
  const cdx = join(root, 'conv.cdx.json');
  assert.equal((await runCli(['sbom', ref, '--no-cache', '-o', cdx])).code, 0);
  const spdx = join(root, 'conv.spdx.json');
  const c = await runCli(['sbom', `sbom:${cdx}`, '-f', 'spdx', '-o', spdx]);
  assert.equal(c.code, 0, c.stderr);
  const doc = JSON.parse(readFileSync(spdx, 'utf8')) as { packages: Array<{ primaryPackagePurpose: string; versionInfo?: string }> };
  assert.equal(doc.packages.find((p) => p.primaryPackagePurpose === 'OPERATING_SYSTEM')?.versionInfo, '3.20.3');
  const m = await runCli(['db', 'match', '--cache-dir', cache, '--sbom', spdx, '-f', 'json']);
  assert.deepEqual(vulns(JSON.parse(m.stdout) as Rep), EXPECTED);
});

test("Trivy's CycloneDX and SPDX of the same tree match the same (OS component, SrcName, sourceInfo)", async () => {
  for (const f of ['trivy-alpine-3.20.3.cdx.json', 'trivy-alpine-3.20.3.spdx.json']) {
    const m = await runCli(['db', 'match', '--cache-dir', cache, '--sbom', SBOM + f, '-f', 'json']);
    assert.equal(m.code, 0, m.stderr);
    const rep = JSON.parse(m.stdout) as Rep;
    assert.deepEqual(vulns(rep), EXPECTED, f);
    assert.deepEqual(rep.warnings ?? [], [], f);
    assert.equal(rep.targets[0]!.name, 'alpine-3.20.3-rootfs');
  }
  const { inv } = inventoryFromDocument(JSON.parse(readFileSync(SBOM + 'trivy-alpine-3.20.3.cdx.json', 'utf8')), 'x');
  assert.equal(inv.os?.id, 'alpine');
  assert.equal(inv.os?.versionId, '3.20.3');
  assert.equal(inv.packages.find((p) => p.name === 'libssl3')?.sourceName, 'openssl');
});

test('documents without an OS component: the release comes from the purl distro qualifier, else a warning', () => {
  const bom = (purl: string) => ({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'x', purl }] });
  const a = inventoryFromDocument(bom('pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl'), 'a').inv;
  assert.deepEqual([a.os?.id, a.os?.versionId, a.packages[0]!.sourceName], ['alpine', '3.20.3', 'openssl']);
  const d = inventoryFromDocument(bom('pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=bookworm&upstream=glibc%402.36-9%2Bdeb12u7'), 'd').inv;
  assert.deepEqual([d.os?.id, d.os?.codename, d.packages[0]!.version, d.packages[0]!.sourceName, d.packages[0]!.sourceVersion], ['debian', 'bookworm', '2.36-9+deb12u7', 'glibc', '2.36-9+deb12u7']);
  const r = inventoryFromDocument(bom('pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm&distro=rhel-9.4'), 'r').inv;
  assert.deepEqual([r.os?.id, r.os?.versionId, r.packages[0]!.version, r.packages[0]!.release, r.packages[0]!.epoch, r.packages[0]!.sourceName, r.packages[0]!.sourceVersion], ['rhel', '9.4', '3.0.7', '27.el9', 1, 'openssl', '3.0.7-27.el9']);
  const none = inventoryFromDocument(bom('pkg:deb/debian/libc6@2.36-9'), 'n').inv;
  assert.match(none.warnings.join('\n'), /no operating system release .*1 OS packages are not matched/);
  const lang = inventoryFromDocument(
    { bomFormat: 'CycloneDX', components: [{ type: 'library', purl: 'pkg:npm/%40babel/core@7.1.0' }, { type: 'library', purl: 'pkg:golang/stdlib@1.22.5' }, { type: 'library', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }, { type: 'library', purl: 'pkg:gem/rails@7.0.0' }, { type: 'library', purl: 'pkg:composer/laravel/framework@10.0.0' }, { type: 'library', purl: 'pkg:nuget/Newtonsoft.Json@13.0.1' }, { type: 'library', name: 'nopurl' }, { type: 'library', purl: 'not a purl' }] },
    'l',
  ).inv;
  assert.deepEqual(lang.packages.map((p) => `${p.ecosystem} ${p.name} ${p.version}`), ['npm @babel/core 7.1.0', 'golang stdlib v1.22.5', 'maven org.apache.logging.log4j:log4j-core 2.14.1', 'gem rails 7.0.0', 'composer laravel/framework 10.0.0']);
  assert.deepEqual(lang.warnings.sort(), ["l: 1 component not matched: no purl", "l: 1 component not matched: not a valid purl", "l: 1 component not matched: purl type 'nuget' is not matched by Bulwark"]);
});

test('hostile or wrong documents: one-line input errors (exit 2), bounded walks', async () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['garbage.json', 'not json at all', /not a JSON inventory or SBOM/],
    ['cdx.xml', '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>', /XML is not read/],
    ['array.json', '[1,2,3]', /a JSON object is expected/],
    ['spdx3.json', JSON.stringify({ spdxVersion: 'SPDX-3.0' }), /"SPDX-3.0" is not supported/],
    ['badpkg.json', JSON.stringify({ packages: [{ name: 'x' }] }), /packages\[0\] lacks name, version or ecosystem/],
    ['bados.json', JSON.stringify({ packages: [], os: 'debian' }), /"os" lacks an "id"/],
  ];
  for (const [name, body, re] of cases) {
    const f = join(root, name);
    writeFileSync(f, body);
    const r = await runCli(['db', 'match', '--cache-dir', cache, '--sbom', f]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, re, name);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line`);
  }
  const dir = await runCli(['image', `sbom:${root}`, '--cache-dir', cache]);
  assert.equal(dir.code, 2);
  assert.match(dir.stderr, /is a directory/);
  const both = await runCli(['db', 'match', '--cache-dir', cache]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give one of --inventory FILE or --sbom FILE/);
  // deeply nested components (a walk on the call stack would overflow) and 200,000 components: linear (a few
  // seconds on a busy 2-core machine; a quadratic walk would take minutes)
  let nested: Record<string, unknown> = { type: 'library', purl: 'pkg:npm/leaf@1.0.0' };
  for (let i = 0; i < 3000; i++) nested = { type: 'library', name: `n${i}`, components: [nested] };
  const deep = inventoryFromDocument({ bomFormat: 'CycloneDX', components: [nested] }, 'deep').inv;
  assert.deepEqual(deep.packages.map((p) => p.name), ['leaf']);
  const many = { bomFormat: 'CycloneDX', components: Array.from({ length: 200_000 }, (_, i) => ({ type: 'library', purl: `pkg:npm/p${i}@1.0.${i}` })) };
  const t0 = performance.now();
  assert.equal(inventoryFromDocument(many, 'many').inv.packages.length, 200_000);
  assert.ok(performance.now() - t0 < 30_000, 'linear');
});

test('purl parsing follows the purl-spec test suite (parse cases)', () => {
  const cases = JSON.parse(readFileSync(SBOM + 'purl-spec/parse-tests.json', 'utf8')) as Array<{
    file: string;
    description: string;
    input: string;
    expected_output: { type: string; namespace: string | null; name: string; version: string | null; qualifiers: Record<string, string> | null; subpath: string | null } | null;
    expected_failure: boolean;
  }>;
  assert.ok(cases.length >= 50);
  // One deliberate difference: upper-case qualifier keys are folded (as the suite's maven cases expect
  // for `repositorY_url`) rather than refused (as its one rpm case `?Arch=` expects): an SBOM reader is lenient.
  let checked = 0;
  for (const c of cases) {
    const got = parsePurl(c.input);
    if (c.expected_failure) {
      if (c.file === 'rpm.json' && /\?Arch=/.test(c.input)) continue; // the difference above
      assert.equal(got, undefined, `${c.input} must not parse (${c.description})`);
    } else {
      const e = c.expected_output!;
      assert.deepEqual(
        { type: got?.type, namespace: got?.namespace ?? null, name: got?.name, version: got?.version ?? null, qualifiers: got?.qualifiers ?? null, subpath: got?.subpath ?? null },
        { type: e.type, namespace: e.namespace, name: e.name, version: e.version, qualifiers: e.qualifiers, subpath: e.subpath },
        `${c.file}: ${c.input}`,
      );
    }
    checked++;
  }
  assert.ok(checked >= 50, `${checked} cases checked`);
});
