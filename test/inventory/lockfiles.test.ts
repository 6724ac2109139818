/**
 * Lock file readers on real lock files (google/osv-scalibr's and osv-scanner's extractor test data, see
 * test/fixtures/lockfiles/SOURCES.md); expected packages are those upstream's tests expect, except where
 * noted (a version range in a pom.xml is not a version: skipped here, upstream takes its lower bound).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockfileReader, LOCKFILE_READERS } from '../../src/inventory/lockfiles/index.js';
import { parseRequirements, parsePoetryLock, parsePipfileLock } from '../../src/inventory/lockfiles/python.js';
import { parseGoMod, parseGoSum } from '../../src/inventory/lockfiles/golang.js';
import { parsePomXml, parseGradleLockfile } from '../../src/inventory/lockfiles/java.js';
import { parseGemfileLock } from '../../src/inventory/lockfiles/ruby.js';
import { parseCargoLock } from '../../src/inventory/lockfiles/rust.js';
import { parseComposerLock } from '../../src/inventory/lockfiles/php.js';
import { LineFinder } from '../../src/inventory/lockfiles/project.js';
import type { DetectedPackage } from '../../src/inventory/types.js';

const dir = fileURLToPath(new URL('../fixtures/lockfiles/', import.meta.url));
const read = (f: string) => readFileSync(join(dir, f), 'utf8');
const nv = (ps: DetectedPackage[]) => ps.map((p) => `${p.name}@${p.version}`);

test('file names select the right reader (and only lock files)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['package-lock.json', 'package-lock'],
    ['web/npm-shrinkwrap.json', 'package-lock'],
    ['node_modules/x/package-lock.json', undefined],
    ['yarn.lock', 'yarn.lock'],
    ['pnpm-lock.yaml', 'pnpm-lock'],
    ['requirements.txt', 'requirements.txt'],
    ['requirements-dev.txt', 'requirements.txt'],
    ['requirements/prod.txt', 'requirements.txt'],
    ['notes.txt', undefined],
    ['poetry.lock', 'poetry.lock'],
    ['Pipfile.lock', 'Pipfile.lock'],
    ['go.mod', 'go.mod'],
    ['vendor/x/go.mod', undefined],
    ['go.sum', 'go.sum'],
    ['svc/pom.xml', 'pom.xml'],
    ['gradle.lockfile', 'gradle.lockfile'],
    ['buildscript-gradle.lockfile', 'gradle.lockfile'],
    ['gradle/dependency-locks/compileClasspath.lockfile', 'gradle.lockfile'],
    ['Gemfile.lock', 'Gemfile.lock'],
    ['Cargo.lock', 'Cargo.lock'],
    ['composer.lock', 'composer.lock'],
    ['vendor/composer.lock', undefined],
    ['package.json', undefined],
  ];
  for (const [rel, want] of cases) assert.equal(lockfileReader(rel)?.name, want, rel);
  assert.equal(new Set(LOCKFILE_READERS.map((r) => r.name)).size, LOCKFILE_READERS.length);
});

test('requirements.txt: only exact pins, continuation lines and options handled', () => {
  assert.deepEqual(nv(parseRequirements(read('requirements-osv-scanner.txt'))), ['flask@1.0.0', 'django@1.11.29', 'requests@2.20.0']);
  // example.txt: ranges, URLs, -r/-c and bare names pin nothing; docopt == 0.6.1 does
  assert.deepEqual(nv(parseRequirements(read('requirements-example.txt'))), ['docopt@0.6.1']);
  assert.deepEqual(nv(parseRequirements(read('requirements-multiline.txt'))), ['pkga@1.0', 'pkgb@2.0']);
  assert.deepEqual(nv(parseRequirements('Django[argon2]==4.2.1 ; python_version >= "3.8"  # web\nfoo==1.*\nbar===2.0\n')), ['django@4.2.1', 'bar@2.0']);
});

test('poetry.lock (v2 groups, git sources) and Pipfile.lock', () => {
  const p = parsePoetryLock(read('poetry-multiple-packages.v2.lock'));
  assert.deepEqual(nv(p), [
    'async-timeout@5.0.1', 'factory-boy@3.3.1', 'faker@33.3.0', 'proto-plus@1.22.0', 'proto-plus@1.23.0', 'protobuf@4.25.5',
    'python-dateutil@2.9.0.post0', 'redis@5.2.1', 'six@1.17.0', 'typing-extensions@4.12.2', 'urllib3@2.3.0',
  ]);
  assert.deepEqual(p.filter((x) => x.dev).map((x) => x.name), ['factory-boy', 'faker', 'python-dateutil', 'typing-extensions', 'urllib3']);
  assert.deepEqual(parsePoetryLock(read('poetry-source-git.lock')), []); // a git source is not a PyPI release
  const pf = parsePipfileLock(read('Pipfile-two-packages.lock'));
  assert.deepEqual(nv(pf), ['itsdangerous@2.1.2', 'markupsafe@2.1.1']);
  assert.deepEqual(pf.map((x) => Boolean(x.dev)), [false, true]);
  assert.throws(() => parsePoetryLock('<html>'), /not a TOML/);
});

test('go.mod (replace, indirect) and go.sum', () => {
  const m = parseGoMod(read('go-indirect-1.23.mod'));
  assert.deepEqual(nv(m), ['github.com/sirupsen/logrus@v1.9.3', 'golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8']);
  assert.deepEqual(m.map((x) => Boolean(x.main)), [true, false]);
  assert.deepEqual(nv(parseGoMod(read('go-replace-mixed.mod'))).sort(), ['example.com/fork/net@v1.4.5', 'golang.org/x/net@v0.5.6']);
  assert.deepEqual(nv(parseGoMod('module x\nrequire a.example/b v1.0.0\nreplace a.example/b => ../b\n')), []);
  assert.deepEqual(nv(parseGoSum(read('go-call-analysis.sum'))), ['github.com/gogo/protobuf@v1.3.1', 'github.com/ipfs/go-bitfield@v1.0.0', 'golang.org/x/image@v0.4.0']);
  const goSum = LOCKFILE_READERS.find((r) => r.name === 'go.sum')!;
  assert.deepEqual(goSum.read(read('go-call-analysis.sum'), { hasSibling: (b) => b === 'go.mod' }), []);
  assert.throws(() => parseGoSum('hello world'), /not a go.sum line/);
});

test('pom.xml declared versions (properties, dependencyManagement) and Gradle lock files', () => {
  assert.deepEqual(nv(parsePomXml(read('pom-with-dependency-management.xml'))), ['io.netty:netty-all@4.1.9', 'org.slf4j:slf4j-log4j12@1.7.25']);
  // upstream takes a range's lower bound; a range is not a version here
  assert.deepEqual(nv(parsePomXml(read('pom-interpolation.xml'))), ['org.mine:mypackage@1.0.0', 'org.mine:my.package@2.3.4']);
  assert.deepEqual(nv(parsePomXml(read('pom-maven-transitive.xml'))), ['org.apache.logging.log4j:log4j-web@2.14.1']);
  const managed = '<project><version>3.1</version><dependencyManagement><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${project.version}</version></dependency></dependencies></dependencyManagement><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><scope>test</scope></dependency></dependencies></project>';
  const mp = parsePomXml(managed);
  assert.deepEqual(nv(mp), ['g:a@3.1']);
  assert.equal(mp[0]!.dev, true);
  assert.throws(() => parsePomXml('{}'), /no <project>/);
  const g = parseGradleLockfile(read('gradle-5-pkg.lockfile'));
  assert.deepEqual(nv(g), [
    'org.springframework.boot:spring-boot-autoconfigure@2.7.4',
    'org.springframework.boot:spring-boot-configuration-processor@2.7.5',
    'org.springframework.boot:spring-boot-devtools@2.7.6',
    'org.springframework.boot:spring-boot-starter-aop@2.7.7',
    'org.springframework.boot:spring-boot-starter-data-jpa@2.7.8',
  ]);
  assert.ok(g.every((x) => !x.dev)); // each is on a runtime or compile classpath too
  assert.deepEqual(parseGradleLockfile('junit:junit:4.12=testCompileClasspath,testRuntimeClasspath\n').map((x) => x.dev), [true]);
});

test('Gemfile.lock, Cargo.lock, composer.lock', () => {
  const rails = parseGemfileLock(read('Gemfile-rails.lock'));
  assert.equal(rails.length, 46); // as osv-scalibr's test expects
  assert.ok(nv(rails).includes('nokogiri@1.13.3'), nv(rails).join(' '));
  assert.ok(rails.every((p) => !/linux|darwin/.test(p.version)));
  assert.deepEqual(nv(parseGemfileLock(read('Gemfile-has-git-gem.lock'))), [
    'hanami-controller@2.0.0.alpha1', 'hanami-utils@2.0.0.alpha1', 'concurrent-ruby@1.1.7', 'rack@2.2.3', 'transproc@1.1.1',
  ]);
  assert.throws(() => parseGemfileLock('hello'), /no Bundler sections/);
  const cargo = parseCargoLock(read('Cargo-many-packages.lock'));
  assert.deepEqual(nv(cargo), ['zstd@0.11.2', 'aho-corasick@0.7.18', 'memchr@2.4.1', 'syn@1.0.109', 'libc@0.2.140', 'syn@2.0.15']);
  assert.deepEqual(nv(parseCargoLock(read('Cargo-two-packages-with-local.lock'))), ['addr2line@0.15.2']);
  assert.deepEqual(nv(parseComposerLock(read('composer-two-packages.lock'))), ['sentry/sdk@2.0.4', 'theseer/tokenizer@1.1.3']);
  assert.deepEqual(parseComposerLock(read('composer-two-packages.lock')).map((p) => Boolean(p.dev)), [false, true]);
});

test('LineFinder: the line of the entry naming the package and its version', () => {
  const text = read('poetry-multiple-packages.v2.lock');
  assert.equal(new LineFinder(text).line('proto-plus', '1.23.0'), 71);
  assert.equal(new LineFinder(text).line('urllib3', '2.3.0'), 170);
  assert.equal(new LineFinder(read('pom-maven-transitive.xml')).line('org.apache.logging.log4j:log4j-web', '2.14.1'), 18);
  assert.equal(new LineFinder('a\nb\n').line('zzz', '1'), 1);
});
