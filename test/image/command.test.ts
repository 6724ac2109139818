/**
 * `bulwark image` end to end: walker + inventory + image checks + vulnerability matching in one report,
 * on the real Alpine 3.20.3 minirootfs subset against the real alpine-secdb v3.20 feed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const FIXTURE = new URL('../fixtures/image/alpine-minirootfs-3.20.3-subset.tar.gz', import.meta.url).pathname;
const SECDB = new URL('../fixtures/vulndb/alpine/v3.20/main.json', import.meta.url).pathname;

test('bulwark image reports vulnerabilities, image checks and the base/app split in one report', async (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'bw-imgcmd-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));

  const none = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache]);
  assert.equal(none.code, 2, 'no database: refuse');
  assert.match(none.stderr, /no vulnerability database .*bulwark db update/);

  const upd = await runCli(['db', 'update', '--cache-dir', cache, '--source', SECDB]);
  assert.equal(upd.code, 0, upd.stderr);

  const r = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  const vulns = rep.findings.filter((f: any) => f.vulnerability);
  // openssl 3.3.2-r0 in the 3.20.3 rootfs, fixed in 3.3.2-r1 (secdb v3.20): both binary packages of the source
  assert.deepEqual(
    vulns.filter((f: any) => f.ruleId === 'CVE-2024-9143').map((f: any) => f.vulnerability.package.name).sort(),
    ['libcrypto3', 'libssl3'],
  );
  for (const f of vulns) {
    assert.equal(f.stage, 'image');
    assert.equal(f.vulnerability.status, 'fixed');
    assert.ok(f.vulnerability.fixedVersion);
    assert.equal(f.location.path, 'lib/apk/db/installed');
    assert.equal(f.origin, 'app', 'a single-layer rootfs with no base marker counts as added by you');
  }
  const ruleIds = new Set(rep.findings.map((f: any) => f.ruleId));
  assert.ok(ruleIds.has('BW-IMAGE-001'), 'runs as root');
  assert.ok(ruleIds.has('BW-IMAGE-002'), 'no healthcheck');
  assert.equal(rep.summary.origin.app.total, rep.findings.length);
  assert.equal(rep.packages.length, 14);
  assert.ok(rep.packages.every((p: any) => p.files === undefined), 'file lists are not repeated in the report');

  // CI gate, filters and suppressions apply to vulnerability findings like to any other
  const gate = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '--exit-code', '5', '--severity', 'medium', '-f', 'json']);
  assert.equal(gate.code, 5);
  const ign = join(cache, 'ignore');
  writeFileSync(ign, 'CVE-2024-9143 reason=tested\nBW-IMAGE-001\nBW-IMAGE-006\n');
  const quiet = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '--exit-code', '5', '--severity', 'medium', '--ignorefile', ign, '-f', 'json']);
  const remaining = JSON.parse(quiet.stdout).findings.filter((f: any) => !f.suppressed).map((f: any) => f.ruleId);
  assert.equal(quiet.code, remaining.length ? 5 : 0, JSON.stringify(remaining));
  assert.ok(!remaining.includes('CVE-2024-9143'));

  // --no-vulns needs no database; --no-checks leaves only vulnerabilities
  const inv = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', join(cache, 'other'), '--no-vulns', '-f', 'json']);
  assert.equal(inv.code, 0, inv.stderr);
  assert.ok(JSON.parse(inv.stdout).findings.every((f: any) => !f.vulnerability));
  const only = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '--no-checks', '-f', 'json']);
  assert.ok(JSON.parse(only.stdout).findings.every((f: any) => f.vulnerability || f.ruleId === 'BW-IMAGE-090'));

  // the table shows the origin line, SARIF validates structurally with the vulnerability rules in its table
  const table = await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache]);
  assert.match(table.stdout, /Origin: +base image not identified/);
  const sarif = JSON.parse((await runCli(['image', `rootfs:${FIXTURE}`, '--cache-dir', cache, '-f', 'sarif'])).stdout);
  assert.ok(sarif.runs[0].tool.driver.rules.some((r: any) => r.id === 'CVE-2024-9143'));
});
