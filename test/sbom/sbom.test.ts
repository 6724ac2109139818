import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { sbomReport, packageTable } from '../../src/app/sbom.js';
import { imageInventory as inventoryOf } from '../../src/app/image.js';
import { buildCycloneDx, renderCycloneDx } from '../../src/report/cyclonedx.js';
import { buildSpdx, renderSpdx } from '../../src/report/spdx.js';
import { spdxExpression } from '../../src/report/sbom-common.js';
import { loadRenderer, rendererNames } from '../../src/report/index.js';
import type { Report } from '../../src/core/report.js';
import { spdxErrors, spdxValid } from '../support/spdx.js';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fx = (p: string) => readFileSync(FIX + p);
let root: string;
let report: Report;

/** A small root filesystem built from the real inventory fixtures: Alpine, npm, PyPI, Go, Java. */
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-sbom-'));
  const put = (p: string, data: Buffer | string, mode?: number) => {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), data);
    if (mode) chmodSync(join(root, p), mode);
  };
  put('etc/os-release', fx('inventory/os/alpine-os-release'));
  put('etc/alpine-release', fx('inventory/os/alpine-release'));
  put('lib/apk/db/installed', fx('inventory/apk/installed-3.20.3'));
  put('app/node_modules/@isaacs/string-locale-compare/package.json', fx('inventory/node/pkg/scoped-package.json'));
  put('app/node_modules/lodash/package.json', JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'MIT' }));
  put('app/node_modules/x/node_modules/lodash/package.json', JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'MIT' }));
  put('usr/lib/python3.12/site-packages/PyYAML-6.0.dist-info/METADATA', fx('inventory/python/pyyaml-dist/METADATA'));
  put('usr/lib/python3.12/site-packages/crit-3.17.1-py3.11.egg-info', fx('inventory/python/crit-3.17.1-py3.11.egg-info'));
  put('usr/local/bin/hello', gunzipSync(fx('inventory/golang/hello-go1.19.gz')), 0o755);
  put('opt/app.jar', fx('inventory/java/demo-app-0.0.1.jar'));
  const { inv } = await inventoryOf(`dir:${root}`, { noCache: true });
  report = sbomReport(inv, `dir:${root}`);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('inventory of a dir: tree has every ecosystem', () => {
  const eco = new Map<string, number>();
  for (const p of report.packages as Array<{ ecosystem: string }>) eco.set(p.ecosystem, (eco.get(p.ecosystem) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(eco), { apk: 14, golang: 3, maven: 3, npm: 3, pypi: 2 });
  assert.match(String(report.summary?.text), /alpine-baselayout\s+3\.6\.5-r0/);
});

test('CycloneDX 1.6 output passes the library\'s strict JSON schema validation', async () => {
  const json = renderCycloneDx(report);
  const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
  const errors = await validator.validate(json);
  assert.equal(errors, null, JSON.stringify(errors, null, 2));
  const doc = JSON.parse(json);
  assert.equal(doc.specVersion, '1.6');
  assert.equal(doc.metadata.component.type, 'container');
  const musl = doc.components.find((c: { name: string }) => c.name === 'musl');
  assert.equal(musl.purl, 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3');
  assert.deepEqual(musl.licenses, [{ license: { id: 'MIT' } }]);
  const os = doc.components.find((c: { type: string }) => c.type === 'operating-system');
  assert.deepEqual([os.name, os.version], ['alpine', '3.20.3']);
  // the same purl at two paths gets two distinct bom-refs
  const lodash = doc.components.filter((c: { name: string }) => c.name === 'lodash');
  assert.equal(lodash.length, 2);
  assert.notEqual(lodash[0]['bom-ref'], lodash[1]['bom-ref']);
  const jar = doc.components.find((c: { name: string }) => c.name === 'javax.annotation-api');
  assert.equal(jar.group, 'javax.annotation');
  assert.equal(jar.purl, 'pkg:maven/javax.annotation/javax.annotation-api@1.3.2');
});

test('CycloneDX validation catches a broken document (the validator is live)', async () => {
  const doc = JSON.parse(renderCycloneDx(report));
  doc.components[0].type = 'not-a-type';
  const errors = await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(JSON.stringify(doc));
  assert.notEqual(errors, null);
});

function spdxValidator() {
  const schema = JSON.parse(readFileSync(FIX + 'sbom/spdx-2.3.1-schema.json', 'utf8'));
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

test('SPDX 2.3 output validates against the official SPDX 2.3 schema (support/2.3) and the 2.3.1 revision', () => {
  const doc = JSON.parse(renderSpdx(report)) as Record<string, any>;
  const errors = spdxErrors(doc);
  assert.deepEqual(errors, { v23: [], v231: [] }, JSON.stringify(errors, null, 2));
  // the OS package: the 2.3 schema's spelling, the one value the 2.3.1 revision spells differently
  const os = doc.packages.find((p: { name: string }) => p.name === 'alpine');
  assert.equal(os.primaryPackagePurpose, 'OPERATING_SYSTEM');
  const validate = spdxValidator();
  validate(doc);
  assert.deepEqual(
    (validate.errors ?? []).map((e) => [e.instancePath, e.keyword]),
    [[`/packages/${doc.packages.indexOf(os)}/primaryPackagePurpose`, 'enum']],
    'the 2.3.1 schema differs in that value only',
  );
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  const ids = new Set(doc.packages.map((p: { SPDXID: string }) => p.SPDXID));
  assert.equal(ids.size, doc.packages.length, 'SPDXIDs are unique');
  for (const r of doc.relationships) assert.ok(r.spdxElementId === 'SPDXRef-DOCUMENT' || ids.has(r.spdxElementId));
  const crit = doc.packages.find((p: { name: string }) => p.name === 'crit');
  assert.equal(crit.licenseDeclared, 'NOASSERTION');
  assert.equal(crit.licenseComments, 'declared: GPLv2');
  const ssl = doc.packages.find((p: { name: string }) => p.name === 'libssl3');
  assert.equal(ssl.sourceInfo, 'built package from: openssl 3.3.2-r0');
  assert.equal(ssl.externalRefs[0].referenceLocator, 'pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3');
  // and both schemas reject a document missing a required field (documentNamespace: 2.3.1 only), or the 2.3.1 spelling
  delete doc.documentNamespace;
  assert.ok(spdxErrors(doc).v231.length > 0);
  delete doc.creationInfo;
  assert.ok(spdxErrors(doc).v23.length > 0);
  const respelled = JSON.parse(renderSpdx(report)) as Record<string, any>;
  respelled.packages.find((p: { name: string }) => p.name === 'alpine').primaryPackagePurpose = 'OPERATING-SYSTEM';
  assert.ok(spdxErrors(respelled).v23.length > 0, 'OPERATING-SYSTEM fails the official 2.3 schema');
});

test('renderers are registered under their format names; json keeps the inventory', async () => {
  assert.equal(await loadRenderer('cyclonedx'), renderCycloneDx);
  assert.equal(await loadRenderer('spdx'), renderSpdx);
  assert.equal(await loadRenderer('spdx-json'), renderSpdx);
  assert.equal(await loadRenderer('nope'), undefined);
  assert.deepEqual(rendererNames(), ['json', 'table', 'sarif', 'html', 'junit', 'github', 'cyclonedx', 'spdx', 'spdx-json']);
  const j = JSON.parse((await loadRenderer('json'))!(report, { color: false }));
  assert.equal(j.packages.length, 25);
  assert.ok(j.packages.every((p: { files?: unknown }) => p.files === undefined));
});

test('SPDX expressions: valid ids kept (case fixed), free text refused', () => {
  assert.equal(spdxExpression('mit'), 'MIT');
  assert.equal(spdxExpression('MIT AND (Apache-2.0 OR BSD-3-Clause)'), 'MIT AND (Apache-2.0 OR BSD-3-Clause)');
  assert.equal(spdxExpression('GPL-2.0-or-later WITH Classpath-exception-2.0'), 'GPL-2.0-or-later WITH Classpath-exception-2.0');
  assert.equal(spdxExpression('LicenseRef-Proprietary'), 'LicenseRef-Proprietary');
  assert.equal(spdxExpression('GPLv2'), undefined);
  assert.equal(spdxExpression('BSD License'), undefined);
  assert.equal(spdxExpression('MIT AND'), undefined);
  assert.equal(spdxExpression('(MIT'), undefined);
});

test('an empty inventory still gives valid documents', async () => {
  const empty = sbomReport({ packages: [], warnings: [] }, 'dir:/empty');
  assert.equal(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(renderCycloneDx(empty)), null);
  assert.ok(spdxValid(buildSpdx(empty)));
  assert.ok(buildCycloneDx(empty).components.size === 0);
  assert.match(packageTable({ packages: [] }), /0 packages/);
});
