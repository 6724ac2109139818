import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareNpm, satisfiesNpmRange, validNpm, validNpmRange, type NpmRangeOptions } from '../../../src/vulndb/version/npm.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { FIXTURES } from './fixtures.js';

type Case = [string, unknown, unknown?];
function load(name: string): Case[] {
  return (JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { cases: Case[] }).cases;
}

/** node-semver's parseOptions: true (or any non-object truthy value) means loose; objects are read as is */
function opts(o: unknown): Required<NpmRangeOptions> {
  if (!o) return { loose: false, includePrerelease: false };
  if (typeof o !== 'object') return { loose: true, includePrerelease: false };
  const r = o as { loose?: unknown; includePrerelease?: unknown };
  return { loose: !!r.loose, includePrerelease: !!r.includePrerelease };
}

test('npm: node-semver comparisons.js (v1 > v2)', () => {
  const cases = load('npm-semver-comparisons.json');
  assert.equal(cases.length, 31);
  for (const [a, b] of cases) {
    assert.equal(compareNpm(a, b as string), 1, `${a} > ${b}`);
    assert.equal(compareNpm(b as string, a), -1, `${b} < ${a}`);
    assert.equal(compareNpm(a, a), 0);
  }
});

test('npm: node-semver equality.js', () => {
  const cases = load('npm-semver-equality.json');
  assert.equal(cases.length, 37);
  for (const [a, b] of cases) assert.equal(compareNpm(a, b as string), 0, `${a} == ${b}`);
});

test('npm: node-semver range-include.js / range-exclude.js with each case options', () => {
  const inc = load('npm-semver-range-include.json');
  const exc = load('npm-semver-range-exclude.json');
  assert.equal(inc.length, 113);
  assert.equal(exc.length, 76);
  for (const [range, version, o] of inc) assert.equal(satisfiesNpmRange(version as string, range, opts(o)), true, `${version} in ${range} ${JSON.stringify(o)}`);
  for (const [range, version, o] of exc) {
    // ['>=2', false]: node-semver is handed the boolean false; a version here is always a string, and
    // the string 'false' must not satisfy either
    const v = typeof version === 'string' ? version : String(version);
    assert.equal(satisfiesNpmRange(v, range, opts(o)), false, `${v} not in ${range} ${JSON.stringify(o)}`);
  }
});

test('npm: vulnerability defaults include prereleases of an affected line', () => {
  assert.equal(satisfiesNpmRange('4.17.21-beta.1', '<4.17.21'), true);
  assert.equal(satisfiesNpmRange('4.17.21-beta.1', '<4.17.21', { includePrerelease: false }), false);
  assert.equal(satisfiesNpmRange('1.2.5', '>=1.2.0 <1.2.6'), true);
  assert.equal(satisfiesNpmRange('1.2.6', '>=1.2.0 <1.2.6'), false);
  assert.equal(satisfiesNpmRange('1.0.0', 'not a range %%%'), false);
  assert.equal(validNpmRange('>=1.0.0 <2'), true);
  assert.equal(validNpmRange('>=x.y.z.w <<'), false);
});

test('npm: comparator, validity and errors', () => {
  const c = getComparator('npm');
  assert.equal(c.compare('4.17.20', '4.17.21'), -1);
  assert.equal(c.compare('1.2.3+build.1', '1.2.3+build.2'), 0);
  assert.equal(c.valid('1.2.3'), true);
  assert.equal(c.valid('1.2'), false);
  assert.equal(validNpm('v1.2.3'), true);
  assert.throws(() => c.compare('1.2.3', 'latest'), /invalid npm version 'latest'/);
  assert.equal(getComparator('cargo').compare('1.0.0-alpha', '1.0.0'), -1);
});

test('npm: strict versions are parsed without node-semver, and compare and validate exactly as node-semver does', async () => {
  const fc = (await import('fast-check')).default;
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const SemVer = require('semver/classes/semver.js') as typeof import('semver').SemVer;
  const valid = require('semver/functions/valid.js') as typeof import('semver').valid;
  // the reference: node-semver strict, then loose (as this module did before it parsed strict versions itself)
  const ref = (v: string) => {
    for (const loose of [false, true]) {
      try {
        return new SemVer(v.trim(), { loose });
      } catch {
        /* next */
      }
    }
    return null;
  };
  const refCompare = (a: string, b: string) => {
    const pa = ref(a);
    const pb = ref(b);
    return pa && pb ? pa.compare(pb) : 'throws';
  };
  const ours = (a: string, b: string) => {
    try {
      return compareNpm(a, b);
    } catch {
      return 'throws';
    }
  };
  const num = fc.constantFrom('0', '1', '2', '10', '01', '00', '9007199254740991', '9007199254740992', '99999999999999999999');
  const id = fc.constantFrom('alpha', 'beta', 'rc', '0', '1', '2', '10', '01', 'x-y', '-', '1a', 'a1', '9007199254740990', '9007199254740991', '9007199254740992', '9007199254740993', '', 'é');
  const ids = fc.array(id, { minLength: 1, maxLength: 4 }).map((a) => a.join('.'));
  const version = fc
    .tuple(fc.constantFrom('', 'v', '=', ' ', 'v=', ' v', 'V'), num, num, num, fc.option(fc.tuple(fc.constantFrom('-', '', '.'), ids)), fc.option(ids), fc.constantFrom('', ' ', '\t', 'x'))
    .map(([pre, a, b, c, p, build, tail]) => `${pre}${a}.${b}.${c}${p ? p[0] + p[1] : ''}${build ? `+${build}` : ''}${tail}`);
  const any = fc.oneof(version, version, fc.string({ maxLength: 12 }), fc.constant(`1.0.0-${'a'.repeat(251)}`), fc.constant(`1.0.0-${'a'.repeat(250)}`));
  fc.assert(
    fc.property(any, any, (a, b) => {
      assert.equal(ours(a, b), refCompare(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      assert.equal(validNpm(a), valid(a, { loose: false }) !== null, `valid ${JSON.stringify(a)}`);
    }),
    { numRuns: 20000, seed: 7 },
  );
});
