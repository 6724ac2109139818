import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareComposer, normalizeComposer, phpVersionCompare, validComposer } from '../../../src/vulndb/version/composer.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { FIXTURES } from './fixtures.js';

const load = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8'));

// rows written for composer/semver 1.x, where master/trunk branches normalised to 9999999-dev;
// composer/semver 3 (Composer 2) keeps them as branch names (see EXCLUDED.md)
const OLD_BRANCH_ROWS = new Set(['dev-master', 'dev-trunk', 'dev-master as 1.0.0']);

test('composer: VersionParser normalize vectors', () => {
  const P = load('composer-semver-VersionParserTest.json') as { normalized: [string, string][]; failing: string[] };
  for (const [v, want] of P.normalized) {
    if (OLD_BRANCH_ROWS.has(v)) {
      assert.equal(normalizeComposer(v), v.replace(/ as .*$/, ''), v);
      continue;
    }
    assert.equal(normalizeComposer(v), want, v);
  }
  for (const v of P.failing) assert.throws(() => normalizeComposer(v), /invalid composer version/, JSON.stringify(v));
});

test('composer: Comparator vectors', () => {
  const C = load('composer-semver-ComparatorTest.json') as { cases: [string, string, string, boolean][] };
  assert.equal(C.cases.length, 57);
  for (const [a, op, b, want] of C.cases) {
    const isBranch = (v: string) => v.startsWith('dev-');
    if (isBranch(a) && isBranch(b) && a !== b) {
      // two different branches: Composer answers false to every operator; there is no order to return
      assert.equal(want, op === '!=' || op === '<>');
      assert.throws(() => compareComposer(a, b), /have no order/);
      continue;
    }
    const c = compareComposer(a, b);
    const got = { '>': c > 0, '>=': c >= 0, '<': c < 0, '<=': c <= 0, '==': c === 0, '=': c === 0, '!=': c !== 0, '<>': c !== 0 }[op];
    assert.equal(got, want, `${a} ${op} ${b}`);
  }
});

test('composer: PHP version_compare details and the comparator', () => {
  assert.equal(phpVersionCompare('1.0', '1.0.0'), -1); // PHP itself; normalisation makes them equal
  assert.equal(compareComposer('1.0', '1.0.0'), 0);
  assert.equal(phpVersionCompare('1.0.0-dev', '1.0.0-alpha'), -1);
  assert.equal(phpVersionCompare('1.0pl1', '1.0'), 1);
  assert.equal(phpVersionCompare('1.0rc1', '1.0'), -1);
  assert.equal(phpVersionCompare('1.0-foo', '1.0-dev'), -1); // unknown words rank below dev
  const c = getComparator('Packagist');
  assert.equal(c.ecosystem, 'composer');
  assert.equal(c.compare('v5.4.11', '5.4.12'), -1);
  assert.equal(c.compare('2.0.0-RC1', '2.0.0'), -1);
  assert.equal(c.compare('dev-main', '1.0.0'), -1);
  assert.equal(validComposer('1.2.3'), true);
  assert.equal(validComposer('dev-main'), false);
  assert.equal(validComposer('feature-foo'), false);
});
