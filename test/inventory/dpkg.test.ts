import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dpkgAnalyzer, packagesFromStatus, parseSourceField, listOwner } from '../../src/inventory/dpkg/index.js';
import type { DetectorOutput } from '../../src/inventory/types.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctx, fixture, meta, FIX } from './helpers.js';

const status = fixture('dpkg/status').toString();

test('real dpkg status excerpt: names, versions, Source with and without version, epoch, arch', () => {
  const r = dpkgAnalyzer.analyze(meta('var/lib/dpkg/status'), Buffer.from(status), ctx()) as DetectorOutput;
  const by = new Map(r.packages!.map((p) => [p.name, p]));
  assert.equal(by.size, 10);
  const bash = by.get('bash')!;
  assert.deepEqual([bash.version, bash.sourceName, bash.sourceVersion, bash.arch], ['5.2.15-2+b8', 'bash', '5.2.15-2', 'amd64']);
  const libc = by.get('libc6')!;
  assert.deepEqual([libc.sourceName, libc.sourceVersion], ['glibc', libc.version]);
  const login = by.get('login')!;
  assert.equal(login.epoch, 1);
  assert.equal(login.sourceName, 'shadow');
  const base = by.get('base-files')!;
  assert.deepEqual([base.sourceName, base.sourceVersion], ['base-files', base.version]);
});

test('packages not in state "installed" are left out', () => {
  const edited = status.replace('Package: tzdata\nStatus: install ok installed', 'Package: tzdata\nStatus: deinstall ok config-files');
  assert.ok(edited !== status);
  const names = packagesFromStatus(edited, true).map((p) => p.name);
  assert.ok(!names.includes('tzdata'));
  assert.equal(names.length, 9);
});

test('distroless status.d stanza without Status counts; md5sums files are not wanted', () => {
  const one = status.split('\n\n').find((s) => s.startsWith('Package: zlib1g'))!.replace(/^Status:.*\n/m, '');
  const r = dpkgAnalyzer.analyze(meta('var/lib/dpkg/status.d/zlib1g'), Buffer.from(one), ctx()) as DetectorOutput;
  assert.equal(r.packages![0]!.name, 'zlib1g');
  assert.equal(r.packages![0]!.sourceName, 'zlib');
  assert.equal(dpkgAnalyzer.wants(meta('var/lib/dpkg/status.d/zlib1g.md5sums')), false);
  assert.equal(dpkgAnalyzer.wants(meta('var/lib/dpkg/status.d/zlib1g')), true);
  assert.equal(dpkgAnalyzer.wants(meta('var/lib/dpkg/status-old')), false);
});

test('info/*.list file lists (real files) with and without arch qualifier', () => {
  assert.equal(listOwner('var/lib/dpkg/info/zlib1g:amd64.list'), 'zlib1g:amd64');
  assert.equal(listOwner('var/lib/dpkg/info/zlib1g:amd64.md5sums'), undefined);
  const r = dpkgAnalyzer.analyze(meta('var/lib/dpkg/info/zlib1g:amd64.list'), fixture('dpkg/zlib1g:amd64.list'), ctx()) as DetectorOutput;
  assert.equal(r.fileList!.pkg, 'zlib1g:amd64');
  assert.ok(r.fileList!.files.includes('lib/x86_64-linux-gnu/libz.so.1.2.13'));
  assert.ok(!r.fileList!.files.includes('.') && r.fileList!.files.every((f) => !f.startsWith('/')));
  const u = dpkgAnalyzer.analyze(meta('var/lib/dpkg/info/python3-urllib3.list'), fixture('dpkg/python3-urllib3.list'), ctx()) as DetectorOutput;
  assert.ok(u.fileList!.files.includes('usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO'));
});

test('Source field forms', () => {
  assert.deepEqual(parseSourceField('glibc'), { name: 'glibc' });
  assert.deepEqual(parseSourceField('bash (5.2.15-2)'), { name: 'bash', version: '5.2.15-2' });
});

test('malformed and truncated status: no crash, partial result, warning on truncation', () => {
  const cut = status.slice(0, 1500);
  const r = dpkgAnalyzer.analyze(meta('var/lib/dpkg/status'), Buffer.from(cut), ctx(true)) as DetectorOutput;
  assert.ok(r.warnings?.[0]?.includes('read only in part'));
  assert.deepEqual(r.packages!.map((p) => p.name), ['base-files', 'bash']);
  const g = packagesFromStatus('garbage\n\0\0\nPackage\n:::\n', true);
  assert.deepEqual(g, []);
});

function hasDpkgQuery(): boolean {
  try {
    execFileSync('dpkg-query', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('agrees with dpkg-query reading the same status file (name, version, source, source version, arch)', { skip: hasDpkgQuery() ? false : 'dpkg-query not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-dpkg-'));
  try {
    mkdirSync(join(dir, 'info'));
    mkdirSync(join(dir, 'updates'));
    copyFileSync(FIX + 'dpkg/status', join(dir, 'status'));
    const out = execFileSync('dpkg-query', [`--admindir=${dir}`, '-W', '-f', '${db:Status-Abbrev}|${Package}|${Version}|${source:Package}|${source:Version}|${Architecture}\n'], { encoding: 'utf8' });
    const truth = out.split('\n').filter((l) => l.startsWith('ii')).map((l) => l.split('|').slice(1).join('|')).sort();
    const ours = packagesFromStatus(status, true).map((p) => [p.name, p.version, p.sourceName, p.sourceVersion, p.arch].join('|')).sort();
    assert.deepEqual(ours, truth);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
