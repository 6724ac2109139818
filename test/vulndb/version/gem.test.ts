import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalGemSegments, compareGem, isPrereleaseGem, validGem } from '../../../src/vulndb/version/gem.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { FIXTURES } from './fixtures.js';

const G = JSON.parse(readFileSync(join(FIXTURES, 'rubygems-test_gem_version.json'), 'utf8')) as {
  equal: [string, string][];
  not_equal: [string, string][];
  spaceship: [string, string, number][];
  less_than: [string, string][];
  invalid: string[];
  valid: string[];
  prerelease: string[];
  not_prerelease: string[];
  canonical_segments: [string, Array<number | string>][];
};

test('gem: rubygems test_gem_version.rb vectors', () => {
  for (const [a, b] of G.equal) assert.equal(compareGem(a, b), 0, `${JSON.stringify(a)} == ${JSON.stringify(b)}`);
  for (const [a, b] of G.not_equal) assert.notEqual(compareGem(a, b), 0, `${a} != ${b}`);
  for (const [a, b, want] of G.spaceship) assert.equal(compareGem(a, b), want, `${a} <=> ${b}`);
  for (const [a, b] of G.less_than) {
    assert.equal(compareGem(a, b), -1, `${a} < ${b}`);
    assert.equal(compareGem(b, a), 1, `${b} > ${a}`);
  }
  for (const v of G.invalid) assert.equal(validGem(v), false, JSON.stringify(v));
  for (const v of G.valid) assert.equal(validGem(v), true, JSON.stringify(v));
  for (const v of G.prerelease) assert.equal(isPrereleaseGem(v), true, v);
  for (const v of G.not_prerelease) assert.equal(isPrereleaseGem(v), false, v);
  for (const [v, segs] of G.canonical_segments) {
    assert.deepEqual(canonicalGemSegments(v).map((s) => (typeof s === 'bigint' ? Number(s) : s)), segs, v);
  }
});

test('gem: comparator and errors', () => {
  const c = getComparator('RubyGems');
  assert.equal(c.ecosystem, 'gem');
  assert.equal(c.compare('7.0.4', '7.0.4.1'), -1);
  assert.equal(c.compare('1.13.10', '1.13.9'), 1);
  assert.throws(() => c.compare('1..2', '1'), /invalid gem version/);
});
