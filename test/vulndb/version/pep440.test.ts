import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  comparePep440,
  isPrereleasePep440,
  normalizePep440,
  parsePep440,
  parsePep440Specifier,
  publicPep440,
  formatPep440,
  satisfiesPep440,
  specifierContains,
  specifierImpliesPrereleases,
  validPep440,
} from '../../../src/vulndb/version/pep440.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { FIXTURES } from './fixtures.js';

const V = JSON.parse(readFileSync(join(FIXTURES, 'pypa-packaging-test_version.json'), 'utf8')) as {
  VERSIONS: string[];
  invalid: string[];
  normalized: [string, string][];
  str: [string, string][];
  is_prerelease: [string, boolean][];
  public: [string, string][];
};
const S = JSON.parse(readFileSync(join(FIXTURES, 'pypa-packaging-test_specifiers.json'), 'utf8')) as {
  valid: string[];
  invalid: string[];
  specifiers: [string, string, boolean][];
  invalid_version: [string, string, boolean][];
  arbitrary_equality: [string, string, boolean][];
  prereleases_detection: [string, boolean][];
  contains_default_prereleases: [string, string, boolean][];
};

test('pep440: VERSIONS are valid and in order (every pair, both ways)', () => {
  const vs = V.VERSIONS;
  assert.equal(vs.length, 92);
  for (let i = 0; i < vs.length; i++) {
    assert.ok(validPep440(vs[i]!), vs[i]);
    for (let j = 0; j < vs.length; j++) assert.equal(comparePep440(vs[i]!, vs[j]!), Math.sign(i - j), `${vs[i]} vs ${vs[j]}`);
  }
});

test('pep440: invalid versions', () => {
  for (const v of V.invalid) {
    assert.equal(validPep440(v), false, JSON.stringify(v));
    assert.throws(() => comparePep440(v, '1.0'), /invalid pypi version/);
  }
});

test('pep440: normalisation and str()', () => {
  for (const [v, n] of V.normalized) assert.equal(normalizePep440(v), n, JSON.stringify(v));
  for (const [v, n] of V.str) assert.equal(normalizePep440(v), n, v);
  assert.equal(comparePep440('1.0rc1', '1.0c1'), 0);
});

test('pep440: is_prerelease and public', () => {
  for (const [v, want] of V.is_prerelease) assert.equal(isPrereleasePep440(parsePep440(v)!), want, v);
  for (const [v, pub] of V.public) assert.equal(formatPep440(publicPep440(parsePep440(v)!)), pub, v);
});

test('pep440: specifier syntax', () => {
  for (const s of S.valid) assert.doesNotThrow(() => parsePep440Specifier(s), s);
  for (const s of S.invalid) assert.throws(() => parsePep440Specifier(s), /invalid PEP 440 specifier/, s);
  // spaces between operator and version are allowed, as in packaging ("< 2" is "<2")
  assert.equal(specifierContains(parsePep440Specifier('< 2'), '1.9'), true);
  assert.equal(specifierContains(parsePep440Specifier('~= 1.4.5'), '1.4.9'), true);
});

test('pep440: test_specifiers table (prereleases=True)', () => {
  assert.equal(S.specifiers.length, 188);
  for (const [v, spec, want] of S.specifiers) assert.equal(specifierContains(parsePep440Specifier(spec, true), v), want, `${v} in ${spec}`);
});

test('pep440: invalid versions, arbitrary equality, prerelease detection and defaults', () => {
  for (const [spec, v, want] of S.invalid_version) assert.equal(specifierContains(parsePep440Specifier(spec, true), v), want, `${v} in ${spec}`);
  for (const [v, spec, want] of S.arbitrary_equality) assert.equal(specifierContains(parsePep440Specifier(spec), v), want, `${v} in ${spec}`);
  for (const [spec, want] of S.prereleases_detection) assert.equal(specifierImpliesPrereleases(parsePep440Specifier(spec)), want, spec);
  for (const [spec, v, want] of S.contains_default_prereleases) assert.equal(specifierContains(parsePep440Specifier(spec), v), want, `${v} in ${spec}`);
  // an explicit prereleases=False excludes them
  assert.equal(specifierContains(parsePep440Specifier('>1.0', false), '2.0.dev1'), false);
});

test('pep440: specifier sets and the comparator', () => {
  assert.equal(satisfiesPep440('2.31.0', '>=2.0,<2.32.0'), true);
  assert.equal(satisfiesPep440('2.32.0', '>=2.0,<2.32.0'), false);
  assert.equal(satisfiesPep440('2.32.0rc1', '<2.32.0'), false); // pre-release of the bound itself
  assert.equal(satisfiesPep440('2.31.0rc1', '<2.32.0'), true);
  assert.throws(() => satisfiesPep440('1.0', '>=1.0,=>2'), /invalid PEP 440 specifier/);
  const c = getComparator('PyPI');
  assert.equal(c.ecosystem, 'pypi');
  assert.equal(c.compare('3.2', '3.2.0'), 0);
  assert.equal(c.compare('1!0.1', '2.0'), 1);
  assert.equal(c.valid('1.0.post1.dev2+ubuntu.1'), true);
  assert.equal(c.valid('latest'), false);
});

test('pep440: agrees with @renovatebot/pep440 on random versions (a second implementation)', async () => {
  const pep = await import('@renovatebot/pep440');
  const { pypiGen } = await import('./random.js');
  const gen = pypiGen(42);
  const vs = Array.from({ length: 200 }, gen);
  for (const v of vs) assert.equal(pep.valid(v) !== null, validPep440(v), v);
  const ok = vs.filter((v) => validPep440(v));
  assert.ok(ok.length > 150);
  for (const a of ok) for (const b of ok) assert.equal(Math.sign(pep.compare(a, b)), comparePep440(a, b), `${a} vs ${b}`);
});
