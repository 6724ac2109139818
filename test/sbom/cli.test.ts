import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';

const FIX = fileURLToPath(new URL('../fixtures/inventory/', import.meta.url));
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-sbom-cli-'));
  mkdirSync(join(root, 'fs/etc'), { recursive: true });
  mkdirSync(join(root, 'fs/lib/apk/db'), { recursive: true });
  writeFileSync(join(root, 'fs/etc/os-release'), readFileSync(FIX + 'os/alpine-os-release'));
  writeFileSync(join(root, 'fs/lib/apk/db/installed'), readFileSync(FIX + 'apk/installed-3.20.3'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('bulwark sbom: cyclonedx by default, spdx, json, table', async () => {
  const ref = `dir:${join(root, 'fs')}`;
  const cdx = await runCli(['sbom', ref, '--no-cache']);
  assert.equal(cdx.code, 0, cdx.stderr);
  const bom = JSON.parse(cdx.stdout);
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.equal(bom.components.filter((c: { type: string }) => c.type === 'library').length, 14);
  const spdx = await runCli(['sbom', ref, '--format', 'spdx', '--no-cache']);
  assert.equal(JSON.parse(spdx.stdout).spdxVersion, 'SPDX-2.3');
  const json = await runCli(['sbom', ref, '-f', 'json', '--no-cache']);
  const j = JSON.parse(json.stdout);
  assert.equal(j.packages.length, 14);
  assert.equal(j.summary.inventory.os.id, 'alpine');
  assert.equal(j.summary.text, undefined);
  const table = await runCli(['sbom', ref, '-f', 'table', '--no-cache']);
  assert.match(table.stdout, /musl\s+1\.2\.5-r0/);
  assert.match(table.stdout, /14 packages \(apk 14\)/);
});

test('bulwark sbom -o writes the file; bad format and missing image are input errors (exit 2, no stack)', async () => {
  const ref = `dir:${join(root, 'fs')}`;
  const out = join(root, 'out/bom.json');
  mkdirSync(join(root, 'out')); // -o creates no directory (#17)
  const r = await runCli(['sbom', ref, '-o', out, '--no-cache']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).specVersion, '1.6');
  const bad = await runCli(['sbom', ref, '--format', 'xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown SBOM format 'xml'/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const missing = await runCli(['sbom', join(root, 'nope.tar')]);
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
});
