import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalMaven, compareMaven, validMaven } from '../../../src/vulndb/version/maven.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { excluded, readRows } from './fixtures.js';

const skip = excluded();

test('maven: ComparableVersionTest vectors', () => {
  let n = 0;
  for (const r of readRows('maven-ComparableVersionTest.data', { separator: ' ' })) {
    if (skip.has(`maven-ComparableVersionTest.data:${r.line}`)) continue;
    const [kind, ...vs] = r.fields as [string, ...string[]];
    const where = `line ${r.line}: ${r.raw}`;
    for (const v of vs) {
      const c = canonicalMaven(v);
      assert.equal(canonicalMaven(c), c, `${where}: canonical(${v}) = ${c} is not stable`);
    }
    if (kind === 'order') {
      for (let i = 0; i < vs.length; i++) {
        for (let j = i + 1; j < vs.length; j++) {
          assert.equal(compareMaven(vs[i]!, vs[j]!), -1, `${where}: ${vs[i]} < ${vs[j]}`);
          assert.equal(compareMaven(vs[j]!, vs[i]!), 1, `${where}: ${vs[j]} > ${vs[i]}`);
        }
      }
    } else if (kind === 'lt') {
      assert.equal(compareMaven(vs[0]!, vs[1]!), -1, where);
      assert.equal(compareMaven(vs[1]!, vs[0]!), 1, where);
    } else if (kind === 'eq') {
      assert.equal(compareMaven(vs[0]!, vs[1]!), 0, where);
      assert.equal(compareMaven(vs[1]!, vs[0]!), 0, where);
    } else if (kind === 'canon') {
      if (vs.length === 2) assert.equal(canonicalMaven(vs[0]!), vs[1], where);
    } else assert.fail(`unknown row ${where}`);
    n++;
  }
  assert.ok(n > 400, `only ${n} rows`);
});

test('maven: qualifier order as documented', () => {
  const order = ['1-alpha-1', '1-beta-1', '1-milestone-1', '1-rc-1', '1-SNAPSHOT', '1', '1-sp', '1-foo', '1-1', '1.0.1'];
  for (let i = 0; i + 1 < order.length; i++) assert.equal(compareMaven(order[i]!, order[i + 1]!), -1, `${order[i]} < ${order[i + 1]}`);
  assert.equal(compareMaven('1.0.0.Final', '1.0.0'), 0);
  assert.equal(compareMaven('2.17.1', '2.17.0'), 1);
  assert.equal(compareMaven('2.3.32', '2.5.31'), -1);
});

test('maven: validity, aliases and hostile input', () => {
  assert.equal(getComparator('Maven').ecosystem, 'maven');
  assert.ok(validMaven('1.2.3-SNAPSHOT'));
  assert.equal(validMaven(''), false);
  assert.equal(validMaven('1.0 beta'), false);
  assert.throws(() => compareMaven('1-'.repeat(200), '1'), /longer than 256/);
  assert.equal(compareMaven('1-'.repeat(120), '1-'.repeat(121)), -1); // deep nesting stays bounded
});
