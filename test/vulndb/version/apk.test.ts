import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareApk, validApk } from '../../../src/vulndb/version/apk.js';
import { compareApk3, validApk3 } from '../../../src/vulndb/version/apk3.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { excluded, OPS, readRows } from './fixtures.js';

const skip = excluded();

for (const [name, cmp] of [['apk-tools 2.x', compareApk], ['apk-tools 3', compareApk3]] as const) test(`apk: apk-tools test/version.data vectors (${name})`, () => {
  const compareApk = cmp;
  let n = 0;
  for (const r of readRows('apk-version.data', { stripComments: true })) {
    if (skip.has(`apk-version.data:${r.line}`)) continue;
    const [a, op, b] = r.fields as [string, string, string];
    const want = OPS[op];
    assert.notEqual(want, undefined, `line ${r.line}: bad operator`);
    assert.equal(compareApk(a, b), want, `line ${r.line}: ${a} ${op} ${b}`);
    assert.equal(compareApk(b, a), 0 - want!, `line ${r.line} reversed`);
    n++;
  }
  assert.ok(n >= 730, `only ${n} vectors`);
});

test('apk: suffix order and revisions', () => {
  const order = ['1.0_alpha', '1.0_alpha1', '1.0_beta', '1.0_pre', '1.0_rc1', '1.0', '1.0-r1', '1.0_cvs', '1.0_svn', '1.0_git', '1.0_hg', '1.0_p1', '1.0_p2', '1.0a', '1.0.1'];
  for (let i = 0; i < order.length; i++) {
    for (let j = 0; j < order.length; j++) {
      assert.equal(compareApk(order[i]!, order[j]!), Math.sign(i - j), `${order[i]} vs ${order[j]}`);
    }
  }
});

test('apk: validity (apk_version_validate of 2.x, as `apk version -c` of Alpine 3.20)', () => {
  for (const v of ['1.0', '1.2.3-r4', '1.0_alpha2', '2.3.0b-r1', '1.0_p10-r0', '0.1.0_alpha_pre2', '006', '', 'a1', '1..0x', '1.0-r']) assert.ok(validApk(v), v);
  for (const v of ['1.0-x', '1.0_foo', '1.0bc', '1.0-r1a', '1.0~abc', '1.0A', '1.' + '1'.repeat(18)]) assert.equal(validApk(v), false, v);
});

test('apk: leading zeros and long numbers (2.x rules)', () => {
  assert.equal(compareApk('1.00_beta2', '1.0.3'), -1);
  assert.equal(compareApk('1.05', '1.5'), -1);
  assert.equal(compareApk('1.001', '1.01'), -1);
  assert.equal(compareApk('1.0_rc1', '1.0'), -1);
  assert.equal(compareApk('1.99999999999999998', '1.99999999999999999'), -1); // 17 digits: still numbers
});

test('apk: apk-tools 3 tokens (~hash) and validity', () => {
  assert.ok(validApk3('1.0~abc123-r1'));
  assert.equal(validApk3('a1'), false);
  assert.equal(validApk3(''), false);
  assert.equal(compareApk3('1.0~abc-r1', '1.0-r1'), 1); // a hash token comes before the revision kind
  assert.equal(compareApk3('1.0_pre99999999999999999998', '1.0_pre99999999999999999999'), -1);
  assert.equal(compareApk3('00000000000000000001', '1'), 0);
});

test('apk: comparator through getComparator', () => {
  for (const name of ['apk', 'Alpine', 'Alpine:v3.20']) {
    const c = getComparator(name);
    assert.equal(c.ecosystem, 'apk');
    assert.equal(c.compare('3.3.1-r0', '3.3.2-r0'), -1);
  }
});

test('apk: hostile input terminates', () => {
  const long = '1' + '.1'.repeat(100000) + '_' + 'x'.repeat(1000);
  assert.equal(validApk(long), false);
  assert.equal(typeof compareApk(long, long), 'number');
  assert.equal(compareApk('\u0000', ''), 0);
});
