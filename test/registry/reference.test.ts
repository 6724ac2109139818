/**
 * Image references parse as Docker parses them. The vectors are distribution/reference's own
 * (normalize_test.go at commit 4894124079e525c3c3c5c8aacaa653b5499004e9: TestValidateReferenceName,
 * TestValidateRemoteName, TestParseRepositoryInfo, TestNormalizedSplitHostname), plus the WWW-Authenticate
 * challenge parser and manifest parsing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarName, formatReference, parseReference } from '../../src/registry/reference.js';
import { parseChallenges } from '../../src/registry/auth.js';
import { parseManifest, selectPlatform } from '../../src/registry/manifest.js';
import { isBareName } from '../../src/sources/bare-name.js';
import { clientHello, parseServerAnswer } from '../../src/registry/tls-probe.js';

const ok = (s: string) => assert.doesNotThrow(() => parseReference(s), s);
const bad = (s: string) => assert.throws(() => parseReference(s), { name: 'InputError' }, s);

test('valid and invalid reference names (TestValidateReferenceName)', () => {
  for (const s of ['docker/docker', 'library/debian', 'debian', 'docker.io/docker/docker', 'docker.io/library/debian', 'docker.io/debian', 'index.docker.io/docker/docker', 'index.docker.io/library/debian', 'index.docker.io/debian', '127.0.0.1:5000/docker/docker', '127.0.0.1:5000/library/debian', '127.0.0.1:5000/debian', '192.168.0.1', '192.168.0.1:80', '192.168.0.1:8/debian', '192.168.0.2:25000/debian', 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', '[fc00::1]:5000/docker', '[fc00::1]:5000/docker/docker', '[fc00:1:2:3:4:5:6:7]:5000/library/debian', 'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'Docker/docker', 'DOCKER/docker']) ok(s);
  for (const s of ['https://github.com/docker/docker', 'docker/Docker', '-docker', '-docker/docker', '-docker.io/docker/docker', 'docker///docker', 'docker.io/docker/Docker', 'docker.io/docker///docker', '[fc00::1]', '[fc00::1]:5000', 'fc00::1:5000/debian', '[fe80::1%eth0]:5000/debian', '[2001:db8:3:4::192.0.2.33]:5000/debian', '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a']) bad(s);
});

test('remote names (TestValidateRemoteName)', () => {
  for (const s of ['docker/docker', 'docker-rules/docker', 'docker---rules/docker', 'doc/docker', 'd/docker', 'jess/t', 'dock__er/docker']) ok(s);
  for (const s of ['docker/Docker', 'docker///docker', '-docker/docker', 'docker-/docker', '-docker-/docker', '____/____', '_docker/_docker', 'dock..er/docker', 'dock_.er/docker', 'dock-.er/docker', 'docker/', `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4)}/docker`]) bad(s);
});

test('domain, path, full and familiar names (TestParseRepositoryInfo, TestNormalizedSplitHostname)', () => {
  const cases: Array<[string, string, string, string]> = [
    // input, domain, path, familiar
    ['fooo/bar', 'docker.io', 'fooo/bar', 'fooo/bar'],
    ['index.docker.io/fooo/bar', 'docker.io', 'fooo/bar', 'fooo/bar'],
    ['ubuntu', 'docker.io', 'library/ubuntu', 'ubuntu'],
    ['library/ubuntu', 'docker.io', 'library/ubuntu', 'ubuntu'],
    ['docker.io/library/ubuntu', 'docker.io', 'library/ubuntu', 'ubuntu'],
    ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000', 'private/moonbase', '127.0.0.1:8000/private/moonbase'],
    ['example.com:8000/privatebasee', 'example.com:8000', 'privatebasee', 'example.com:8000/privatebasee'],
    ['ubuntu-12.04-base', 'docker.io', 'library/ubuntu-12.04-base', 'ubuntu-12.04-base'],
    ['docker.io/foo', 'docker.io', 'library/foo', 'foo'],
    ['library/foo/bar', 'docker.io', 'library/foo/bar', 'library/foo/bar'],
    ['store/foo/bar', 'docker.io', 'store/foo/bar', 'store/foo/bar'],
    ['Foo/bar', 'Foo', 'bar', 'Foo/bar'],
    ['test_com/foo', 'docker.io', 'test_com/foo', 'test_com/foo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo', 'test-com:8080/foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo', 'xn--n3h.com:18080/foo'],
    ['localhost/foo', 'localhost', 'foo', 'localhost/foo'],
  ];
  for (const [input, domain, path, familiar] of cases) {
    const r = parseReference(input);
    assert.equal(r.registry, domain, input);
    assert.equal(r.repository, path, input);
    assert.equal(familiarName(r), familiar, input);
  }
  const both = parseReference('busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
  assert.equal(formatReference(both), 'docker.io/library/busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
  assert.equal(familiarName(both), 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
  assert.equal(parseReference('alpine', { defaultTag: 'latest' }).tag, 'latest');
  bad('alpine@sha256:abc');
  bad('alpine:-tag');
});

test('bare names vs paths and explicit registries', () => {
  assert.ok(isBareName('alpine:3.20'));
  assert.ok(isBareName('myapp'));
  assert.ok(isBareName('team/app@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa'));
  assert.ok(!isBareName('127.0.0.1:5000/app:1'), 'explicit registry');
  assert.ok(!isBareName('docker:alpine'));
  assert.ok(!isBareName('./image.tar'));
  assert.ok(!isBareName('/etc/hostname'));
  assert.ok(!isBareName('package.json'), 'an existing path');
});

test('WWW-Authenticate challenges', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
  ]);
  assert.deepEqual(parseChallenges('Basic realm="basic-realm"'), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  assert.deepEqual(parseChallenges('Basic realm="a, b", Bearer realm="https://x/t",service=reg'), [
    { scheme: 'basic', params: { realm: 'a, b' } },
    { scheme: 'bearer', params: { realm: 'https://x/t', service: 'reg' } },
  ]);
  assert.deepEqual(parseChallenges(['Bearer realm="q\\"uote"']), [{ scheme: 'bearer', params: { realm: 'q"uote' } }]);
  assert.deepEqual(parseChallenges(''), []);
  assert.ok(parseChallenges('x'.repeat(100_000)).length <= 1, 'bounded');
});

test('manifests: strict enough, schema 1 refused, platform choice', () => {
  const d = (n: string) => `sha256:${n.repeat(64)}`;
  const idx = parseManifest(
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('a'), size: 10, platform: { os: 'linux', architecture: 'amd64' } }, { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('b'), size: 10, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }, { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('c'), size: 10, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }] })),
    undefined,
    'idx',
  );
  assert.equal(idx.kind, 'index');
  if (idx.kind !== 'index') return;
  assert.equal(selectPlatform(idx, { os: 'linux', architecture: 'arm64' }, true, 'idx').digest, d('b'));
  assert.equal(selectPlatform(idx, { os: 'linux', architecture: 'arm64', variant: 'v8' }, true, 'idx').digest, d('b'));
  assert.throws(() => selectPlatform(idx, { os: 'linux', architecture: 'ppc64le' }, true, 'idx'), /available: linux\/amd64, linux\/arm64\/v8\)/);
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1}'), undefined, 'm'), /schema 1/);
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:zz', size: 1 }, layers: [] })), undefined, 'm'), /invalid digest/);
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: d('a'), size: -1 }, layers: [] })), undefined, 'm'), /invalid size/);
  assert.throws(() => parseManifest(Buffer.from('[]'), undefined, 'm'), /not a JSON object/);
});

test('TLS probe: the ClientHello is well-formed and answers are parsed', () => {
  const h = clientHello(0x0301, [0x0005, 0xc011], 'registry.example');
  assert.equal(h[0], 0x16);
  assert.equal(h.readUInt16BE(3), h.length - 5, 'record length');
  assert.equal(h[5], 1, 'ClientHello');
  assert.equal(h.readUInt16BE(9), 0x0301, 'client version');
  assert.ok(h.includes(Buffer.from('registry.example')), 'SNI');
  assert.deepEqual(parseServerAnswer(Buffer.from([0x15, 3, 1, 0, 2, 2, 40])), { accepted: false, reason: 'alert 40' });
  const sh = Buffer.alloc(5 + 4 + 2 + 32 + 1 + 2 + 1);
  sh.set([0x16, 3, 3, 0, sh.length - 5, 2, 0, 0, sh.length - 9, 3, 3]);
  sh.writeUInt16BE(0xc011, 5 + 4 + 2 + 32 + 1);
  assert.deepEqual(parseServerAnswer(sh), { accepted: true, version: 0x0303, suite: 0xc011 });
  assert.deepEqual(parseServerAnswer(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), { accepted: false, reason: 'not TLS' });
});
