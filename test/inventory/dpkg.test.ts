import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dpkgAnalyzer, dpkgSink, packagesFromStatus, parseFileList, parseSourceField, listOwner, DPKG_LINE_MAX } from '../../src/inventory/dpkg/index.js';
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

/** the detector's output when the walker streams `buf` to it in pieces of `size` bytes */
function streamed(path: string, buf: Buffer, size: number, maxPackages?: number): { out: DetectorOutput; pushes: number } {
  const sink = dpkgSink(meta(path), maxPackages);
  let pushes = 0;
  for (let o = 0; o < buf.length; o += size) {
    pushes++;
    // a copy that is overwritten after the push: the sink must not keep views of the walker's chunks
    const chunk = Buffer.from(buf.subarray(o, o + size));
    const more = sink.push(chunk, o);
    chunk.fill(0x41);
    if (more === false) break;
  }
  return { out: sink.end()!, pushes };
}

test('streamed in pieces of any size, status, status.d and .list files give what the whole text gives', () => {
  const odd = Buffer.from(
    status.replace('Package: bash', 'package: bash\nPACKAGE: shadowed').replace('\n\n', '\n \t \n').replace('Version: 5.2.15-2+b8', 'Version: 5.2.15-2+b8\n continued\u00e9') +
      '\n\u00a0\nPackage: nbsp\nVersion: 1\nStatus: install ok installed\nArchitecture: caf\u00e9\r\n\nPackage: last\nVersion: 2\nStatus: install ok installed',
  );
  for (const [path, text] of [['var/lib/dpkg/status', Buffer.from(status)], ['var/lib/dpkg/status', odd], ['var/lib/dpkg/status.d/x', odd]] as const) {
    const whole = packagesFromStatus(text.toString('utf8'), path === 'var/lib/dpkg/status');
    assert.ok(whole.length >= 10);
    for (const size of [1, 2, 3, 7, 64, 511, 4096, text.length]) {
      const { out } = streamed(path, text, size);
      assert.deepEqual(out.packages, whole, `${path}, pieces of ${size}`);
      assert.equal(out.incomplete, undefined);
    }
  }
  const list = fixture('dpkg/zlib1g:amd64.list');
  for (const size of [1, 5, 100, list.length]) {
    assert.deepEqual(streamed('var/lib/dpkg/info/zlib1g:amd64.list', list, size).out.fileList, { pkg: 'zlib1g:amd64', files: parseFileList(list.toString('utf8')) });
  }
});

test('a status over the package cap: the first N packages, the rest unread, and the output says the inventory is incomplete', () => {
  const stanza = (i: number) => `Package: p${i}\nVersion: 1.${i}\nStatus: install ok installed\nArchitecture: amd64\n\n`;
  const text = Buffer.from(Array.from({ length: 500 }, (_, i) => stanza(i)).join(''));
  const { out, pushes } = streamed('var/lib/dpkg/status', text, 256, 100);
  assert.equal(out.packages!.length, 100);
  assert.deepEqual([out.packages![0]!.name, out.packages![99]!.name], ['p0', 'p99']);
  assert.ok(pushes < text.length / 256 / 2, `stopped reading early (${pushes} pieces)`);
  assert.deepEqual(out.incomplete, { reason: out.warnings![0], ecosystem: 'deb', limit: 100 });
  assert.match(out.warnings![0]!, /var\/lib\/dpkg\/status lists more than 100 installed packages .*only the first 100 were read, the inventory is incomplete/);
  // exactly at the cap: complete
  const exact = streamed('var/lib/dpkg/status', Buffer.from(Array.from({ length: 100 }, (_, i) => stanza(i)).join('')), 256, 100).out;
  assert.equal(exact.packages!.length, 100);
  assert.equal(exact.incomplete, undefined);
  // packages not installed do not count towards the cap
  const removed = Buffer.from(Array.from({ length: 300 }, (_, i) => stanza(i).replace('install ok installed', 'deinstall ok config-files')).join('') + stanza(1000));
  assert.deepEqual(streamed('var/lib/dpkg/status', removed, 256, 100).out.packages!.map((p) => p.name), ['p1000']);
});

test('a line or a field of any length is read within a fixed bound', () => {
  const long = Buffer.concat([Buffer.from('Package: big\nVersion: 1\nStatus: install ok installed\nDescription: '), Buffer.alloc(8 * DPKG_LINE_MAX, 0x61), Buffer.from('\nSource: ' + 's'.repeat(3 * DPKG_LINE_MAX) + '\n')]);
  const withCont = Buffer.concat([long, Buffer.from(Array.from({ length: 20_000 }, () => ' more continuation text\n').join(''))]);
  for (const size of [1000, 65536, withCont.length]) {
    const p = streamed('var/lib/dpkg/status', withCont, size).out.packages!;
    assert.equal(p.length, 1);
    assert.equal(p[0]!.name, 'big');
    assert.ok(p[0]!.sourceName!.length <= DPKG_LINE_MAX);
  }
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
