import { test } from 'node:test';
import assert from 'node:assert/strict';
import { purlFor, formatPurl, pep503 } from '../../src/inventory/purl.js';

const debian = { id: 'debian', versionId: '12', evidence: 'etc/os-release' };

test('deb: namespace, arch and distro qualifiers, encoded version with epoch kept', () => {
  assert.equal(purlFor({ name: 'login', version: '1:4.13+dfsg1-1+b1', ecosystem: 'deb', arch: 'amd64', path: 'x' }, debian), 'pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12');
});

test('apk and rpm (epoch qualifier, version-release)', () => {
  assert.equal(purlFor({ name: 'musl', version: '1.2.5-r0', ecosystem: 'apk', arch: 'x86_64', path: 'x' }, { id: 'alpine', versionId: '3.20.3', evidence: 'e' }), 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3');
  assert.equal(purlFor({ name: 'bash', version: '5.1.8', release: '6.el9', epoch: 1, ecosystem: 'rpm', arch: 'x86_64', path: 'x' }, { id: 'rocky', versionId: '9.3', evidence: 'e' }), 'pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&distro=rocky-9.3&epoch=1');
});

test('vendor namespaces for RHEL-family and SUSE ids', () => {
  const pkg = { name: 'openssl', version: '3.0.7', release: '27.el9', ecosystem: 'rpm' as const, arch: 'x86_64', path: 'x' };
  assert.equal(purlFor(pkg, { id: 'rhel', versionId: '9.4', evidence: 'e' }), 'pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=x86_64&distro=rhel-9.4');
  assert.equal(purlFor(pkg, { id: 'amzn', versionId: '2023', evidence: 'e' }), 'pkg:rpm/amazon/openssl@3.0.7-27.el9?arch=x86_64&distro=amzn-2023');
  assert.equal(purlFor(pkg), 'pkg:rpm/openssl@3.0.7-27.el9?arch=x86_64');
});

test('language ecosystems', () => {
  assert.equal(purlFor({ name: '@types/node', version: '20.1.0', ecosystem: 'npm', path: 'x' }), 'pkg:npm/%40types/node@20.1.0');
  assert.equal(purlFor({ name: 'Flask_Cors', version: '4.0', ecosystem: 'pypi', path: 'x' }), 'pkg:pypi/flask-cors@4.0');
  assert.equal(purlFor({ name: 'github.com/opencontainers/runc', version: 'v1.1.12', ecosystem: 'golang', path: 'x' }), 'pkg:golang/github.com/opencontainers/runc@v1.1.12');
  assert.equal(purlFor({ name: 'stdlib', version: 'v1.21.3', ecosystem: 'golang', path: 'x' }), 'pkg:golang/stdlib@v1.21.3');
  assert.equal(purlFor({ name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', ecosystem: 'maven', path: 'x' }), 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1');
});

test('formatting details', () => {
  assert.equal(formatPurl({ type: 'npm', name: 'a b', version: '1', qualifiers: { z: '1', a: undefined } }), 'pkg:npm/a%20b@1?z=1');
  assert.equal(pep503('Foo.Bar__baz'), 'foo-bar-baz');
});
