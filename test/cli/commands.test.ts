/** Command defects of #19: honest SBOM formats, the vulnerability database found early, offline hints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildDb, fx } from '../vulndb/helpers.js';
import type { Report } from '../../src/core/report.js';

const ALPINE = `rootfs:${join(import.meta.dirname, '..', 'fixtures', 'image', 'alpine-minirootfs-3.20.3-subset.tar.gz')}`;

function noStack(s: string): void {
  assert.doesNotMatch(s, /\n\s+at .+:\d+:\d+/, `stack trace in:\n${s}`);
  assert.doesNotMatch(s, /internal error/, s);
}

test('image -f cyclonedx carries the vulnerabilities it found (VDR: affects, ratings, analysis), valid for the library', async () => {
  const { cacheDir } = await buildDb([fx('alpine'), fx('kev/known_exploited_vulnerabilities.json')]);
  const j = await runCli(['image', ALPINE, '--cache-dir', cacheDir, '-f', 'json']);
  assert.equal(j.code, 0, j.stderr);
  const ids = new Set((JSON.parse(j.stdout) as Report).findings.filter((f) => f.vulnerability).map((f) => f.vulnerability!.id));
  assert.ok(ids.size > 0, 'the fixture image has known vulnerabilities');
  const c = await runCli(['image', ALPINE, '--cache-dir', cacheDir, '-f', 'cyclonedx']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(c.stdout), null);
  const bom = JSON.parse(c.stdout) as {
    components: Array<{ 'bom-ref': string; name: string }>;
    vulnerabilities: Array<{ id: string; affects: Array<{ ref: string; versions: Array<{ version: string; status: string }> }>; ratings: Array<{ severity: string; source: { name: string } }>; analysis: { state: string; response?: string[] } }>;
  };
  assert.deepEqual(new Set(bom.vulnerabilities.map((v) => v.id)), ids);
  const refs = new Set(bom.components.map((x) => x['bom-ref']));
  for (const v of bom.vulnerabilities) {
    assert.ok(v.affects.length > 0 && v.affects.every((a) => refs.has(a.ref) && a.versions[0]!.status === 'affected'), `${v.id} affects a component`);
    assert.ok(v.ratings.length > 0 && v.ratings[0]!.severity && v.ratings[0]!.source.name, `${v.id} has a rating`);
    assert.ok(['in_triage', 'exploitable', 'not_affected'].includes(v.analysis.state), `${v.id}: analysis ${v.analysis.state}`);
  }
  assert.ok(bom.vulnerabilities.some((v) => v.analysis.response?.includes('update')), 'a fixed version is an update response');
  // and SPDX from the same command
  const s = await runCli(['image', ALPINE, '--cache-dir', cacheDir, '-f', 'spdx']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).spdxVersion, 'SPDX-2.3');
});

test('scan -f cyclonedx is a usage error, not an empty SBOM', async () => {
  for (const fmt of ['cyclonedx', 'spdx']) {
    const r = await runCli(['scan', join(import.meta.dirname, '..', '..', 'examples', 'insecure-app'), '-f', fmt]);
    assert.equal(r.code, 2, fmt);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Allowed choices are table, json, sarif/);
  }
});

test('image without a vulnerability database fails before reading the image, and names --no-vulns', async () => {
  const cache = tempDir('bulwark-nodb-');
  // the image does not exist: a failure about the database proves it was checked first
  const r = await runCli(['image', join(cache, 'no-such-image.tar'), '--cache-dir', cache]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no vulnerability database at .*--no-vulns/);
  noStack(r.stderr);
  const ok = await runCli(['image', ALPINE, '--cache-dir', cache, '--no-vulns', '-f', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
});

test('db update with unreachable sources: one line for them and a hint about --source', async () => {
  const cache = tempDir('bulwark-offline-');
  // a port that was just free: nothing listens there (connection refused, like a network that is down)
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((res) => srv.close(res));
  const r = await runCli(['db', 'update', '--cache-dir', cache, ...[1, 2, 3, 4].flatMap((i) => ['--source', `http://127.0.0.1:${port}/feed-${i}.json`])]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.split('\n').filter((l) => /ECONNREFUSED/.test(l)).length, 1, r.stderr);
  assert.match(r.stderr, /4 sources unreachable \(ECONNREFUSED\)/);
  assert.match(r.stderr, /no network\? import feed files.*--source PATH\|URL/);
  noStack(r.stderr);
});

test('image docker://alpine:3.20 is a one-line error, not a raw 301 from the engine', async () => {
  const r = await runCli(['image', 'docker://alpine:3.20', '--no-vulns']);
  assert.notEqual(r.code, 0);
  assert.ok(r.code === 2, `exit ${r.code}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\b301\b/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  noStack(r.stderr);
});
