import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkImage } from '../../src/analyzers/image/index.js';
import { imageFilesAnalyzer, parseApkInstalled } from '../../src/analyzers/image/files-analyzer.js';
import { builtinSecretsAnalyzer } from '../../src/analyzers/image/secrets/analyzer.js';
import { historyAssignments, isCredentialAssignment } from '../../src/analyzers/image/secrets/check.js';
import type { EntryMeta } from '../../src/sources/types.js';
import { synthScan } from './synthetic.js';
import { fake } from './fake-secrets.js';

const meta = (path: string, size = 10, type: EntryMeta['type'] = 'file'): EntryMeta => ({ path, type, mode: 0o644, uid: 0, gid: 0, size });
const ctx = { layer: { index: 0, digest: 'sha256:x' }, imageName: 'x', truncated: false };

test('secrets analyzer: binaries, shared objects, proc/dev and empty files are not wanted; NUL content is skipped', async () => {
  assert.equal(builtinSecretsAnalyzer.wants(meta('usr/lib/libssl.so.3')), false);
  assert.equal(builtinSecretsAnalyzer.wants(meta('usr/lib/x.so')), false);
  assert.equal(builtinSecretsAnalyzer.wants(meta('app/logo.png')), false);
  assert.equal(builtinSecretsAnalyzer.wants(meta('proc/1/environ')), false);
  assert.equal(builtinSecretsAnalyzer.wants(meta('sys/kernel/x')), false);
  assert.equal(builtinSecretsAnalyzer.wants(meta('dev/shm/x.env')), false);
  assert.equal(builtinSecretsAnalyzer.wants(meta('devel/x.env')), true);
  assert.equal(builtinSecretsAnalyzer.wants(meta('srv/proc/x.env')), true);
  assert.equal(builtinSecretsAnalyzer.wants(meta('etc/empty', 0)), false);
  assert.equal(builtinSecretsAnalyzer.wants(meta('etc/app.conf')), true);
  assert.equal(builtinSecretsAnalyzer.wants(meta('srv/.git/objects/ab/cdef')), false);
  assert.equal(builtinSecretsAnalyzer.wants(meta('etc/x', 0, 'symlink')), false);
  const bin = Buffer.concat([Buffer.from('\x7fELF\0\0'), Buffer.from(`ghp_${'a1B2'.repeat(9)}`)]);
  assert.equal(await builtinSecretsAnalyzer.analyze(meta('usr/bin/tool'), bin, ctx), undefined);
  // non-UTF-8 text is read byte for byte
  const latin = Buffer.concat([Buffer.from([0xe9, 0xe8, 0x0a]), Buffer.from(`token ${fake.githubToken()}\n`)]);
  const hits = (await builtinSecretsAnalyzer.analyze(meta('etc/x.conf'), latin, ctx)) ?? [];
  assert.equal(hits[0]?.line, 2);
});

test('files analyzer: malformed apk db, odd dpkg lists, short or non-ELF core files', async () => {
  assert.deepEqual(parseApkInstalled('garbage\nR:orphan\n\nP:\nF:\nR:x\nP:a\nR:b\n'), { a: ['b'] });
  assert.deepEqual(parseApkInstalled(''), {});
  const list = await imageFilesAnalyzer.analyze(meta('var/lib/dpkg/info/libc6:amd64.list'), Buffer.from('/.\n\n//usr/lib\n/usr/lib/x\n'), ctx);
  assert.deepEqual(list, { kind: 'owners', manager: 'dpkg', owners: { libc6: ['usr/lib', 'usr/lib/x'] } });
  assert.equal(imageFilesAnalyzer.wants(meta('app/core', 10)), false, 'too short to be a core dump');
  for (const p of ['etc/passwd', 'etc/group', 'etc/os-release', 'usr/lib/os-release', 'etc/alpine-release', 'etc/debian_version', 'etc/redhat-release', 'etc/system-release', 'lib/apk/db/installed', 'var/lib/dpkg/info/libc6:amd64.list', 'app/core.12']) {
    assert.equal(imageFilesAnalyzer.wants(meta(p, 100)), true, p);
  }
  for (const p of ['etc/passwd-', 'x/etc/passwd', 'usr/lib/os-release.d', 'var/lib/dpkg/info/libc6.md5sums', 'app/cores']) assert.equal(imageFilesAnalyzer.wants(meta(p, 100)), false, p);
  assert.equal(await imageFilesAnalyzer.analyze(meta('app/core', 100), Buffer.from('\x7fELF'), ctx), undefined);
  assert.equal(await imageFilesAnalyzer.analyze(meta('app/core', 100), Buffer.alloc(100), ctx), undefined);
});

test('config: odd Env entries, null labels, odd history never crash', async () => {
  const scan = await synthScan([{ files: [{ path: 'a', content: 'x' }] }], {
    config: {
      config: { User: '', Env: ['NOEQUALS', '=novalue', 'PASSWORD=', 'X=' + 'y'.repeat(100000)], Labels: null, ExposedPorts: null, OnBuild: null, Healthcheck: null },
      history: [{}, { created_by: '|9999 A=1' }, { created_by: '|2 "broken' }, { created_by: 'ENV' }],
    },
  });
  const fs = checkImage(scan, undefined, {});
  assert.ok(fs.every((f) => f.origin === 'app' || f.origin === 'base'));
  assert.ok(!fs.some((f) => f.ruleId === 'BW-SECRET-020'));
});

test('build-arg and ENV parsing from history', () => {
  assert.deepEqual(historyAssignments('|2 DB_PASSWORD=s3cr3t-Value USER=bob /bin/sh -c make'), [['DB_PASSWORD', 's3cr3t-Value'], ['USER', 'bob']]);
  assert.deepEqual(historyAssignments('RUN |1 TOKEN="a b c" /bin/sh -c make # buildkit'), [['TOKEN', '"a b c"']]);
  assert.deepEqual(historyAssignments('/bin/sh -c #(nop)  ENV API_KEY=abc123XYZ'), [['API_KEY', 'abc123XYZ']]);
  assert.deepEqual(historyAssignments('/bin/sh -c #(nop)  ENV API_KEY abc123XYZ'), [['API_KEY', 'abc123XYZ']]);
  assert.deepEqual(historyAssignments('ENV A=1 B=2 # buildkit'), [['A', '1'], ['B', '2']]);
  assert.ok(isCredentialAssignment('MYSQL_ROOT_PASSWORD', 'Zx81kk2'));
  assert.ok(isCredentialAssignment('GITHUB_TOKEN', 'abcd1234'));
  assert.ok(!isCredentialAssignment('PASSWORD_FILE', '/run/secrets/pw'));
  assert.ok(!isCredentialAssignment('GPG_KEY', 'A035C8C19219BA821ECEA86B64E628F8D684696D'));
  assert.ok(!isCredentialAssignment('KEYBOARD', 'us-intl'));
  assert.ok(!isCredentialAssignment('DB_PASSWORD', '${DB_PASSWORD}'));
  assert.ok(!isCredentialAssignment('TOKEN_LENGTH', '32'));
});
