import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonAnalyzer, pythonPackage, isPythonMetadata } from '../../src/inventory/python/index.js';
import type { DetectorOutput } from '../../src/inventory/types.js';
import { ctx, fixture, meta } from './helpers.js';

test('dist-info METADATA (real PyYAML): PEP 503 name, version, licence', () => {
  const r = pythonAnalyzer.analyze(meta('usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA'), fixture('python/pyyaml-dist/METADATA'), ctx()) as DetectorOutput;
  assert.deepEqual(r.packages, [{ name: 'pyyaml', version: '6.0', ecosystem: 'pypi', licenses: ['MIT'] }]);
});

test('egg-info directory PKG-INFO and egg-info file (real Debian files)', () => {
  assert.deepEqual(pythonPackage(fixture('python/urllib3-egg/PKG-INFO').toString()), { name: 'urllib3', version: '1.26.12', ecosystem: 'pypi', licenses: ['MIT'] });
  assert.deepEqual(pythonPackage(fixture('python/crit-3.17.1-py3.11.egg-info').toString()), { name: 'crit', version: '3.17.1', ecosystem: 'pypi', licenses: ['GPLv2'] });
  assert.deepEqual(pythonPackage(fixture('python/cryptography-METADATA').toString())?.licenses, ['BSD-3-Clause OR Apache-2.0']);
});

test('which paths are wanted', () => {
  assert.ok(isPythonMetadata('usr/local/lib/python3.11/site-packages/Flask_Cors-4.0.dist-info/METADATA'));
  assert.ok(isPythonMetadata('usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO'));
  assert.ok(isPythonMetadata('usr/lib/python3/dist-packages/crit-3.17.1-py3.11.egg-info'));
  assert.ok(!isPythonMetadata('usr/lib/python3/dist-packages/foo.dist-info/RECORD'));
  assert.ok(!isPythonMetadata('home/app/src/foo.dist-info/METADATA'));
  assert.ok(!isPythonMetadata('usr/lib/python3/dist-packages/pip/_vendor/x.dist-info/METADATA'));
});

test('classifier licences, normalisation, and metadata without version', () => {
  const p = pythonPackage('Metadata-Version: 2.1\nName: Zope.Interface__X\nVersion: 5.0\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: BSD License\n\nbody\nName: not-a-header');
  assert.deepEqual(p, { name: 'zope-interface-x', version: '5.0', ecosystem: 'pypi', licenses: ['BSD License'] });
  const r = pythonAnalyzer.analyze(meta('usr/lib/python3/site-packages/a.dist-info/METADATA'), Buffer.from('Name: a\n'), ctx()) as DetectorOutput;
  assert.equal(r.packages, undefined);
  assert.match(r.warnings![0]!, /no Name\/Version/);
});
