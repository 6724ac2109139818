import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeAnalyzer, isPackageRoot, isLockfile, parsePackageLock, parseYarnLock, parsePnpmLock, pnpmKey, packageJson } from '../../src/inventory/node/index.js';
import type { DetectorOutput } from '../../src/inventory/types.js';
import { ctx, fixture, meta } from './helpers.js';

test('package roots: nested and scoped yes; files inside a package no', () => {
  assert.ok(isPackageRoot('app/node_modules/express/package.json'));
  assert.ok(isPackageRoot('app/node_modules/a/node_modules/@types/node/package.json'));
  assert.ok(isPackageRoot('usr/lib/node_modules/npm/package.json'));
  assert.ok(!isPackageRoot('usr/lib/node_modules/npm/node_modules/@isaacs/fs-minipass/dist/esm/package.json'));
  assert.ok(!isPackageRoot('app/node_modules/foo/test/fixtures/package.json'));
  assert.ok(!isPackageRoot('app/package.json'));
  assert.ok(isPackageRoot('usr/share/nodejs/npm/package.json'));
  assert.ok(isPackageRoot('usr/share/nodejs/@babel/core/package.json'));
  assert.ok(isPackageRoot('usr/lib/x86_64-linux-gnu/nodejs/nan/package.json'));
  assert.ok(!isPackageRoot('usr/share/nodejs/npm/lib/package.json'));
  assert.ok(!isPackageRoot('srv/share/nodejs/npm/package.json'));
  assert.ok(!isPackageRoot('app/node_modules/.package-lock.json'));
});

test('real package.json files: scoped name, licence; non-root manifest without name is skipped', () => {
  const r = nodeAnalyzer.analyze(meta('usr/lib/node_modules/npm/node_modules/@isaacs/string-locale-compare/package.json'), fixture('node/pkg/scoped-package.json'), ctx()) as DetectorOutput;
  assert.deepEqual(r.packages, [{ name: '@isaacs/string-locale-compare', version: '1.1.0', ecosystem: 'npm', licenses: ['ISC'] }]);
  assert.equal(packageJson(fixture('node/pkg/not-a-root-package.json').toString()), undefined);
  const npm = packageJson(fixture('node/pkg/npm-package.json').toString())!;
  assert.equal(npm.name, 'npm');
  assert.match(npm.version, /^\d+\.\d+\.\d+/);
  assert.equal(packageJson('{not json'), undefined);
  assert.equal(packageJson('[1,2]'), undefined);
});

test('package-lock v1 (real, nested dependencies) and v3 (real app lock)', () => {
  const v1 = parsePackageLock(fixture('node/package-lock-v1.json').toString());
  assert.ok(v1.length > 100);
  assert.ok(v1.every((p) => p.fromLockfile && p.name && p.version));
  const d3 = v1.find((p) => p.name === 'd3-flame-graph');
  assert.ok(d3, 'd3-flame-graph in v1 lock');
  const v3 = parsePackageLock(fixture('node/package-lock-v3.json').toString());
  const lodash = v3.find((p) => p.name === 'lodash')!;
  assert.equal(lodash.version, '4.17.15');
  assert.ok(v3.find((p) => p.name === 'minimist'));
  assert.equal(v3.length, 67); // 68 "packages" entries minus the root ""
});

test('yarn.lock v1 and berry (both made by yarn itself)', () => {
  const v1 = parseYarnLock(fixture('node/yarn-v1.lock').toString()).map((p) => `${p.name}@${p.version}`).sort();
  assert.deepEqual(v1, ['@isaacs/string-locale-compare@1.1.0', 'minimist@1.2.5', 'ms@2.1.3']);
  const berry = parseYarnLock(fixture('node/yarn-berry.lock').toString()).map((p) => `${p.name}@${p.version}`).sort();
  assert.deepEqual(berry, v1); // the workspace root (0.0.0-use.local) is not a dependency
});

test('pnpm-lock.yaml v5.4 (real) and key forms of v5/v6/v9', () => {
  const pk = parsePnpmLock(fixture('node/pnpm-lock-v5.4.yaml').toString());
  assert.ok(pk.find((p) => p.name === 'escalade' && p.version === '3.1.1'));
  assert.ok(pk.find((p) => p.name === '@logux/eslint-config' && p.version === '47.2.0' && p.dev));
  assert.deepEqual(pnpmKey('/@logux/eslint-config/47.2.0_nzsxh47tssh6cfdl7hgsupz66q'), { name: '@logux/eslint-config', version: '47.2.0' });
  assert.deepEqual(pnpmKey('/lodash@4.17.21(peer@1.0.0)'), { name: 'lodash', version: '4.17.21' });
  assert.deepEqual(pnpmKey('@babel/core@7.24.0'), { name: '@babel/core', version: '7.24.0' });
});

test('lock files: where they count, and damaged ones give a warning', () => {
  assert.ok(isLockfile('app/package-lock.json'));
  assert.ok(isLockfile('srv/web/yarn.lock'));
  assert.ok(!isLockfile('app/node_modules/foo/package-lock.json'));
  const r = nodeAnalyzer.analyze(meta('app/package-lock.json'), Buffer.from('{"packages": '), ctx()) as DetectorOutput;
  assert.match(r.warnings![0]!, /unreadable lock file/);
  const t = nodeAnalyzer.analyze(meta('app/yarn.lock'), Buffer.from('x'), ctx(true)) as DetectorOutput;
  assert.match(t.warnings![0]!, /skipped/);
});

test('hostile lock files: 100k-deep v1 nesting and a YAML alias bomb end in a warning', () => {
  let deep = '{"version":"1.0.0"}';
  for (let i = 0; i < 100_000; i++) deep = `{"version":"1.0.0","dependencies":{"a":${deep}}}`;
  const r = nodeAnalyzer.analyze(meta('app/package-lock.json'), Buffer.from(`{"lockfileVersion":1,"dependencies":{"a":${deep}}}`), ctx()) as DetectorOutput;
  assert.ok(r.warnings?.length || (r.packages?.length ?? 0) > 0);
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  bomb.push('packages:\n  /x/1.0.0: *l');
  const y = nodeAnalyzer.analyze(meta('app/pnpm-lock.yaml'), Buffer.from(bomb.join('\n')), ctx()) as DetectorOutput;
  assert.match(y.warnings![0]!, /unreadable lock file/);
});
