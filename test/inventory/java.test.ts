import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaPackages, javaAnalyzer, parseJarFileName, parseManifest } from '../../src/inventory/java/index.js';
import type { DetectorOutput } from '../../src/inventory/types.js';
import { ctx, fixture, meta } from './helpers.js';

test('pom.properties (real javax.annotation-api jar)', async () => {
  const r = await javaPackages(fixture('java/javax.annotation-api-1.3.2.jar'), 'opt/app/lib/javax.annotation-api-1.3.2.jar');
  assert.deepEqual(r.packages.map((p) => `${p.name}@${p.version}`), ['javax.annotation:javax.annotation-api@1.3.2']);
});

test('no pom.properties: manifest, then file name (real jars)', async () => {
  const jcip = await javaPackages(fixture('java/jcip-annotations-1.0.jar'), 'lib/jcip-annotations-1.0.jar');
  assert.deepEqual(jcip.packages.map((p) => `${p.name}@${p.version}`), ['jcip-annotations@1.0']);
  const inject = await javaPackages(fixture('java/javax.inject-1.jar'), 'lib/javax.inject-1.jar');
  assert.deepEqual(inject.packages.map((p) => `${p.name}@${p.version}`), ['javax.inject@1']);
});

test('fat jar: its own manifest plus nested BOOT-INF/lib jars with their evidence paths', async () => {
  const r = (await javaAnalyzer.analyze(meta('app/demo-app-0.0.1.jar'), fixture('java/demo-app-0.0.1.jar'), ctx())) as DetectorOutput;
  const got = r.packages!.map((p) => `${p.name}@${p.version} ${p.path}`).sort();
  assert.deepEqual(got, [
    'demo-app@0.0.1 app/demo-app-0.0.1.jar',
    'javax.annotation:javax.annotation-api@1.3.2 app/demo-app-0.0.1.jar!/BOOT-INF/lib/javax.annotation-api-1.3.2.jar',
    'javax.inject@1 app/demo-app-0.0.1.jar!/BOOT-INF/lib/javax.inject-1.jar',
  ]);
});

test('garbage, truncated and non-zip archives give warnings, not crashes', async () => {
  const jar = fixture('java/javax.annotation-api-1.3.2.jar');
  const cut = await javaPackages(jar.subarray(0, jar.length - 100), 'x.jar');
  assert.equal(cut.packages.length, 0);
  assert.match(cut.warnings[0]!, /not a readable zip/);
  const junk = (await javaAnalyzer.analyze(meta('lib/junk-1.0.jar'), Buffer.from('PK\x03\x04 not really'), ctx())) as DetectorOutput;
  assert.match(junk.warnings![0]!, /not a readable zip/);
});

test('manifest and file name parsing', () => {
  assert.deepEqual(parseJarFileName('a/b/commons-lang3-3.12.0.jar'), { artifactId: 'commons-lang3', version: '3.12.0' });
  assert.deepEqual(parseJarFileName('spring-core-5.3.9.RELEASE.jar'), { artifactId: 'spring-core', version: '5.3.9.RELEASE' });
  assert.equal(parseJarFileName('app.jar'), undefined);
  assert.deepEqual(parseManifest('A: 1\r\nLong: ab\r\n cd\r\n\r\nName: x\r\nB: 2\r\n'), { A: '1', Long: 'abcd' });
});

test('nesting is followed to a bounded depth (6-deep jar: 5 levels read)', async () => {
  const r = await javaPackages(fixture('java/nested-6-deep.jar'), 'lib/nested-6-deep.jar');
  const names = r.packages.map((p) => `${p.name}@${p.version}`).sort();
  // depth 0 .. 4 are read (the file name gives each one's artifact: inner-6.0.jar -> inner 6.0); inner-2 and
  // the real javax.inject jar at the bottom are deeper and are not
  assert.deepEqual(names, ['inner@3.0', 'inner@4.0', 'inner@5.0', 'inner@6.0', 'nested@6-deep']);
});

test('a nested entry that inflates past the cap (200 MB of zeros, 190 KB zipped) is refused with a warning', async () => {
  const before = process.memoryUsage().rss;
  const r = await javaPackages(fixture('java/bomb.jar'), 'bomb.jar');
  assert.match(r.warnings.join('\n'), /too large|inflates past/);
  assert.ok(process.memoryUsage().rss - before < 150 * 1024 * 1024);
});
