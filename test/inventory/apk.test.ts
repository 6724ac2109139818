import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apkAnalyzer, parseApkInstalled } from '../../src/inventory/apk/index.js';
import type { DetectorOutput } from '../../src/inventory/types.js';
import { ctx, fixture, meta } from './helpers.js';

test('real Alpine 3.20.3 lib/apk/db/installed: 14 packages with origin, arch, licence, files', () => {
  const r = apkAnalyzer.analyze(meta('lib/apk/db/installed'), fixture('apk/installed-3.20.3'), ctx()) as DetectorOutput;
  const pkgs = r.packages!;
  assert.equal(pkgs.length, 14);
  const by = new Map(pkgs.map((p) => [p.name, p]));
  const ssl = by.get('libssl3')!;
  assert.equal(ssl.sourceName, 'openssl');
  assert.equal(ssl.arch, 'x86_64');
  assert.deepEqual(ssl.licenses, ['Apache-2.0']);
  assert.match(ssl.version, /^3\.3\.\d+-r\d+$/);
  const base = by.get('alpine-baselayout')!;
  assert.deepEqual([base.version, base.sourceName], ['3.6.5-r0', 'alpine-baselayout']);
  assert.ok(base.files!.includes('etc/crontabs/root'));
  assert.ok(by.get('busybox')!.files!.includes('bin/busybox'));
});

test('only the database path is wanted; stanza without V is skipped; CRLF tolerated', () => {
  assert.equal(apkAnalyzer.wants(meta('lib/apk/db/installed')), true);
  assert.equal(apkAnalyzer.wants(meta('lib/apk/db/triggers')), false);
  assert.deepEqual(parseApkInstalled('P:foo\nA:x86_64\n\nP:bar\r\nV:1.0-r0\r\n'), [
    { name: 'bar', version: '1.0-r0', ecosystem: 'apk', sourceName: 'bar', sourceVersion: '1.0-r0' },
  ]);
});

test('a truncated database gives the complete stanzas and a warning', () => {
  const db = fixture('apk/installed-3.20.3');
  const r = apkAnalyzer.analyze(meta('lib/apk/db/installed'), db.subarray(0, 3000), ctx(true)) as DetectorOutput;
  assert.match(r.warnings![0]!, /read only in part/);
  assert.ok(r.packages!.length >= 1 && r.packages!.length < 14);
  assert.equal(r.packages![0]!.name, 'alpine-baselayout');
});
