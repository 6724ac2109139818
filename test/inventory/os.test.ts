import { test } from 'node:test';
import assert from 'node:assert/strict';
import { osAnalyzer, detectOs, parseOsRelease, pickOs } from '../../src/inventory/os/index.js';
import { ctx, fixture, meta } from './helpers.js';

test('Debian os-release (real file) gives id, version, codename', () => {
  const r = osAnalyzer.analyze(meta('etc/os-release'), fixture('os/debian-os-release'), ctx()) as { os: Record<string, unknown> };
  assert.equal(r.os.id, 'debian');
  assert.equal(r.os.versionId, '12');
  assert.equal(r.os.codename, 'bookworm');
  assert.equal(r.os.prettyName, 'Debian GNU/Linux 12 (bookworm)');
});

test('Alpine os-release and alpine-release (real minirootfs files)', () => {
  const a = detectOs('etc/os-release', fixture('os/alpine-os-release').toString());
  assert.equal(a?.id, 'alpine');
  assert.equal(a?.versionId, '3.20.3');
  const b = detectOs('etc/alpine-release', fixture('os/alpine-release').toString());
  assert.deepEqual([b?.id, b?.versionId], ['alpine', '3.20.3']);
});

test('debian_version alone: release number and codename; testing names', () => {
  const d = detectOs('etc/debian_version', fixture('os/debian_version').toString());
  assert.deepEqual([d?.id, d?.versionId, d?.codename], ['debian', '12', 'bookworm']);
  assert.deepEqual(detectOs('etc/debian_version', 'trixie/sid\n'), { id: 'debian', codename: 'trixie' });
});

test('os-release quoting and comments; missing ID yields nothing', () => {
  const kv = parseOsRelease('# c\nID="rhel"\nID_LIKE="fedora"\nNAME=\'Red Hat\'\nX="a \\"q\\""\n');
  assert.deepEqual(kv, { ID: 'rhel', ID_LIKE: 'fedora', NAME: 'Red Hat', X: 'a "q"' });
  assert.equal(detectOs('usr/lib/os-release', 'NAME=foo\n'), undefined);
  assert.equal(osAnalyzer.wants(meta('usr/lib/os-release')), true);
  assert.equal(osAnalyzer.wants(meta('etc/passwd')), false);
});

test('pickOs prefers os-release and fills gaps from the distro files', () => {
  const os = pickOs([
    { path: 'etc/debian_version', os: { id: 'debian', versionId: '12', codename: 'bookworm' } },
    { path: 'usr/lib/os-release', os: { id: 'debian' } },
  ]);
  assert.deepEqual(os, { id: 'debian', versionId: '12', codename: 'bookworm', evidence: 'usr/lib/os-release' });
  assert.equal(pickOs([]), undefined);
});
