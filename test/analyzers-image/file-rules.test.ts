import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkImage } from '../../src/analyzers/image/index.js';
import type { Finding } from '../../src/core/finding.js';
import { PASSWD, synthScan, type SynthLayer } from './synthetic.js';
import { CACHES, underCacheRoot } from '../../src/analyzers/image/files/package-caches.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const run = async (layers: SynthLayer[], cfg = {}) => checkImage(await synthScan(layers), undefined, cfg, { now: NOW });
const only = (fs: Finding[], id: string) => fs.filter((f) => f.ruleId === id);
const at = (f: Finding) => (f.location.kind === 'image' ? f.location : undefined);

const APK_DB = 'P:busybox\nV:1.36.1-r29\nF:bin\nR:busybox\nR:bbsuid\n\nP:musl\nV:1.2.5-r0\nF:lib\nR:ld-musl-x86_64.so.1\n\n';

test('BW-IMAGE-011 setuid: package-installed is info, unowned copy is high, changed-after-install is high', async () => {
  const fs = await run([
    { files: [{ path: 'lib/apk/db/installed', content: APK_DB }, { path: 'bin/busybox', content: 'ELF', mode: 0o755 }, { path: 'bin/bbsuid', content: 'ELF', mode: 0o4111 }, { path: 'etc/passwd', content: PASSWD }] },
    { files: [{ path: 'usr/local/bin/rootsh', content: 'ELF', mode: 0o4755, uid: 0 }] },
    { files: [{ path: 'bin/busybox', content: 'ELF', mode: 0o4755 }] },
  ]);
  const s = only(fs, 'BW-IMAGE-011');
  assert.equal(s.length, 3);
  const by = (p: string) => s.find((f) => at(f)?.path === p)!;
  assert.equal(by('bin/bbsuid').severity, 'info');
  assert.match(by('bin/bbsuid').message, /apk package busybox/);
  assert.equal(by('usr/local/bin/rootsh').severity, 'high');
  assert.equal(at(by('usr/local/bin/rootsh'))?.layerIndex, 1);
  assert.match(by('usr/local/bin/rootsh').message, /owner 0:0/);
  assert.match(by('usr/local/bin/rootsh').remediation.text, /chmod a-s \/usr\/local\/bin\/rootsh/);
  assert.equal(by('bin/busybox').severity, 'high');
  assert.match(by('bin/busybox').message, /changed in layer 2/);
});

test('BW-IMAGE-011 setuid via dpkg lists (usr-merge alias) and without any package database', async () => {
  const fs = await run([
    { files: [{ path: 'var/lib/dpkg/info/passwd.list', content: '/.\n/bin\n/bin/su\n/usr/bin/passwd\n' }, { path: 'usr/bin/su', content: 'x', mode: 0o4755 }, { path: 'usr/bin/passwd', content: 'x', mode: 0o4755 }] },
  ]);
  assert.deepEqual(only(fs, 'BW-IMAGE-011').map((f) => f.severity), ['info', 'info']);
  const none = await run([{ files: [{ path: 'usr/bin/passwd', content: 'x', mode: 0o4755 }, { path: 'opt/x', content: 'x', mode: 0o2755 }] }]);
  const s = only(none, 'BW-IMAGE-011');
  assert.equal(s.find((f) => at(f)?.path === 'usr/bin/passwd')!.severity, 'info');
  assert.equal(s.find((f) => at(f)?.path === 'opt/x')!.severity, 'high');
  // not executable or no special bits: nothing
  assert.equal(only(await run([{ files: [{ path: 'a', content: 'x', mode: 0o4644 }, { path: 'b', content: 'x', mode: 0o755 }] }]), 'BW-IMAGE-011').length, 0);
});

test('BW-IMAGE-012 world-writable without sticky bit', async () => {
  const fs = await run([{ files: [{ path: 'srv/shared', type: 'dir', mode: 0o777 }, { path: 'tmp', type: 'dir', mode: 0o1777 }, { path: 'etc/x.conf', content: 'a', mode: 0o666 }, { path: 'usr/bin/ok', content: 'a', mode: 0o755 }, { path: 'lnk', type: 'symlink', mode: 0o777 }] }]);
  assert.deepEqual(only(fs, 'BW-IMAGE-012').map((f) => at(f)?.path).sort(), ['etc/x.conf', 'srv/shared']);
});

test('BW-IMAGE-013 device files: standard nodes info, others flagged', async () => {
  const fs = await run([{ files: [{ path: 'dev/null', type: 'char', devmajor: 1, devminor: 3 }, { path: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 }, { path: 'dev/mem', type: 'char', devmajor: 1, devminor: 1 }] }]);
  const d = only(fs, 'BW-IMAGE-013');
  assert.deepEqual(d.map((f) => [at(f)?.path, f.severity]).sort(), [['dev/mem', 'medium'], ['dev/null', 'info'], ['dev/sda', 'high']]);
  assert.equal(only(await run([{ files: [{ path: 'a', content: 'x' }] }]), 'BW-IMAGE-013').length, 0);
});

test('BW-IMAGE-014 files owned by UIDs missing from etc/passwd, one finding per UID', async () => {
  const fs = await run([{ files: [{ path: 'etc/passwd', content: PASSWD }, { path: 'app/a', content: 'x', uid: 1000 }, { path: 'app/b', content: 'x', uid: 501 }, { path: 'app/c', content: 'x', uid: 501 }] }]);
  const u = only(fs, 'BW-IMAGE-014');
  assert.equal(u.length, 1);
  assert.equal(u[0].evidence?.uid, 501);
  assert.equal(u[0].evidence?.count, 2);
  // no passwd at all (scratch): no comparison
  assert.equal(only(await run([{ files: [{ path: 'app/b', content: 'x', uid: 501 }] }]), 'BW-IMAGE-014').length, 0);
});

test('BW-IMAGE-015 SSH keys and authorized_keys, also when deleted later', async () => {
  const fs = await run([
    { files: [{ path: 'root/.ssh/id_ed25519', content: 'k' }, { path: 'root/.ssh/id_ed25519.pub', content: 'p' }, { path: 'home/a/.ssh/authorized_keys', content: 'ssh-ed25519 AAAA' }, { path: 'etc/ssh/ssh_host_rsa_key', content: 'k' }] },
    { whiteouts: ['root/.ssh'] },
  ]);
  const s = only(fs, 'BW-IMAGE-015');
  assert.deepEqual(s.map((f) => at(f)?.path).sort(), ['etc/ssh/ssh_host_rsa_key', 'home/a/.ssh/authorized_keys', 'root/.ssh/id_ed25519']);
  assert.match(s.find((f) => at(f)?.path === 'root/.ssh/id_ed25519')!.message, /deleted in layer 1 but still extractable from layer 0/);
});

test('BW-IMAGE-016 .git directories, grouped per repository', async () => {
  const fs = await run([{ files: [{ path: 'srv/app/.git', type: 'dir' }, { path: 'srv/app/.git/HEAD', content: 'ref: refs/heads/main\n' }, { path: 'srv/app/.git/config', content: '[core]\n' }, { path: 'srv/app/main.py', content: 'x' }, { path: 'srv/app/.gitignore', content: 'x' }] }]);
  const g = only(fs, 'BW-IMAGE-016');
  assert.equal(g.length, 1);
  assert.equal(at(g[0])?.path, 'srv/app/.git');
  assert.equal(g[0].evidence?.files, 2);
  assert.equal(only(await run([{ files: [{ path: 'srv/.gitignore', content: 'x' }, { path: 'srv/.github/x', content: 'x' }] }]), 'BW-IMAGE-016').length, 0);
});

test('BW-IMAGE-017 package manager caches with wasted size', async () => {
  const fs = await run([{ files: [{ path: 'var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease', content: 'x'.repeat(1000) }, { path: 'var/lib/apt/lists/lock', content: '' }, { path: 'var/cache/apk/APKINDEX.abc.tar.gz', content: 'y'.repeat(500) }, { path: 'root/.cache/pip/http/a/b', content: 'z'.repeat(300) }, { path: 'root/.npm/_cacache/index-v5/x', content: 'w'.repeat(200) }] }]);
  const c = only(fs, 'BW-IMAGE-017');
  assert.deepEqual(c.map((f) => [f.evidence?.cache, f.evidence?.wastedBytes]).sort(), [['apk cache', 500], ['apt package lists', 1000], ['npm cache', 200], ['pip cache', 300]]);
  assert.equal(only(await run([{ files: [{ path: 'var/lib/apt/lists/lock', content: '' }] }]), 'BW-IMAGE-017').length, 0);
});

test('BW-IMAGE-017: every cache pattern lies under the roots the check tests first', () => {
  // one path per pattern (a new pattern without a sample fails here), each under a root
  const samples: Record<string, string[]> = {
    'apt package lists': ['var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease'],
    'apt package archives': ['var/cache/apt/archives/curl_7.88.1-10_amd64.deb', 'var/cache/apt/pkgcache.bin'],
    'apk cache': ['var/cache/apk/APKINDEX.abc.tar.gz', 'etc/apk/cache/x.apk'],
    'pip cache': ['root/.cache/pip/http/a', 'home/app/.cache/pip/wheels/b'],
    'npm cache': ['root/.npm/_cacache/index-v5/x', 'home/node/.npm/_cacache/content-v2/y'],
    'yarn cache': ['root/.cache/yarn/v6/x', 'home/node/.cache/yarn/v6/y', 'usr/local/share/.cache/yarn/v6/z'],
  };
  assert.deepEqual(Object.keys(samples).sort(), CACHES.map((c) => c.name).sort());
  for (const c of CACHES) {
    for (const p of samples[c.name]!) {
      assert.ok(c.re.test(p), `${c.name}: ${p}`);
      assert.ok(underCacheRoot(p), p);
    }
  }
  for (const p of ['usr/lib/x', 'usr/share/doc/a', 'opt/var/lib/apt/lists/x', 'srv/root/.npm/_cacache/x']) assert.equal(underCacheRoot(p), false, p);
});

test('BW-IMAGE-018 core dumps are recognised by their ELF header, not the name alone', async () => {
  const core = Buffer.alloc(128);
  core.write('\x7fELF', 0, 'latin1');
  core[4] = 2;
  core[5] = 1;
  core.writeUInt16LE(4, 16);
  const notCore = Buffer.from(core);
  notCore.writeUInt16LE(2, 16);
  const fs = await run([{ files: [{ path: 'app/core', content: core }, { path: 'app/core.1234', content: notCore }, { path: 'lib/core', content: 'not elf at all, just text that is long enough to be read.......' }] }]);
  assert.deepEqual(only(fs, 'BW-IMAGE-018').map((f) => at(f)?.path), ['app/core']);
});

test('BW-IMAGE-019 wasted bytes: top offenders, threshold configurable', async () => {
  const layers: SynthLayer[] = [
    { files: [{ path: 'tmp/big.tar', content: Buffer.alloc(3000) }, { path: 'tmp/small', content: Buffer.alloc(10) }, { path: 'etc/conf', content: Buffer.alloc(100) }] },
    { whiteouts: ['tmp/big.tar', 'tmp/small'], files: [{ path: 'etc/conf', content: Buffer.alloc(50) }] },
  ];
  assert.equal(only(await run(layers), 'BW-IMAGE-019').length, 0, 'below the default 10 MiB threshold');
  const w = only(await run(layers, { imageChecks: { wastedBytesMin: 1000 } }), 'BW-IMAGE-019');
  assert.equal(w.length, 1);
  assert.equal(w[0].evidence?.wastedBytes, 3110);
  const top = w[0].evidence?.top as Array<{ path: string; bytes: number; removedIn: number[] }>;
  assert.equal(top[0].path, 'tmp/big.tar');
  assert.deepEqual(top[0].removedIn, [1]);
});

test('imageChecks.disable turns rules off; bad config is an input error', async () => {
  const layers: SynthLayer[] = [{ files: [{ path: 'srv/shared', type: 'dir', mode: 0o777 }] }];
  assert.equal(only(await run(layers), 'BW-IMAGE-012').length, 1);
  assert.equal(only(await run(layers, { imageChecks: { disable: ['BW-IMAGE-012'] } }), 'BW-IMAGE-012').length, 0);
  await assert.rejects(run(layers, { imageChecks: { maxAgeDays: 'x' } }), /imageChecks/);
});
