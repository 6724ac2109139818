import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareRpm, parseEvr, rpmvercmp, validRpm } from '../../../src/vulndb/version/rpm.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { FIXTURES } from './fixtures.js';

function vectors(): Array<{ line: number; a: string; b: string; want: number }> {
  const out: Array<{ line: number; a: string; b: string; want: number }> = [];
  readFileSync(join(FIXTURES, 'rpm-rpmvercmp.at'), 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /^RPMVERCMP\(([^,]*), ([^,]*), (-?\d)\)$/.exec(l);
      if (m) out.push({ line: i + 1, a: m[1]!, b: m[2]!, want: Number(m[3]) });
    });
  return out;
}

test('rpm: rpm tests/rpmvercmp.at vectors', () => {
  const v = vectors();
  assert.ok(v.length >= 90, `only ${v.length} vectors`);
  for (const { line, a, b, want } of v) assert.equal(rpmvercmp(a, b), want, `line ${line}: rpmvercmp(${a}, ${b})`);
});

test('rpm: EVR parsing and comparison', () => {
  assert.deepEqual(parseEvr('1:2.3-4.el9'), { epoch: '1', version: '2.3', release: '4.el9' });
  assert.deepEqual(parseEvr('2.3'), { epoch: undefined, version: '2.3' });
  assert.deepEqual(parseEvr(':2.3-1'), { epoch: '0', version: '2.3', release: '1' });
  assert.equal(compareRpm('1:1.0-1', '2.0-1'), 1);
  assert.equal(compareRpm('0:1.0-1', '1.0-1'), 0);
  assert.equal(compareRpm('1.0-1.el9', '1.0-1.el9_2'), -1);
  assert.equal(compareRpm('1.0~rc1-1', '1.0-1'), -1);
  // a missing release sorts below any release, as rpm.vercmp() answers
  assert.equal(compareRpm('1.0', '1.0-5'), -1);
  assert.equal(compareRpm('1.0-0', '1.0'), 1);
  assert.equal(compareRpm('3.0.7-27.el9', '3.0.7-24.el9'), 1);
});

test('rpm: validity and aliases', () => {
  assert.ok(validRpm('1:2.3.4-5.el9_3'));
  assert.ok(validRpm('1.0^git1~pre'));
  assert.equal(validRpm(''), false);
  assert.equal(validRpm('1.0 beta'), false);
  assert.equal(validRpm('x:1.0'), false);
  for (const n of ['rpm', 'Red Hat', 'Rocky Linux:9', 'AlmaLinux', 'openSUSE']) assert.equal(getComparator(n).ecosystem, 'rpm', n);
});

test('rpm: hostile input terminates', () => {
  const long = '1.' + '9'.repeat(100000);
  assert.equal(rpmvercmp(long, long + '1'), -1);
  assert.equal(rpmvercmp('~'.repeat(50000), '~'.repeat(50001)), 1);
  assert.equal(rpmvercmp('\u0000\u00ff', '\u00fe'), 0);
});
