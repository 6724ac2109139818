/** Every comparator must be a total preorder: antisymmetric, reflexive and transitive. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { apkGen, composerGen, debGen, goGen, mavenGen, npmGen, pypiGen, rpmGen, type Gen } from './random.js';

const cases: Array<[string, Gen]> = [
  ['deb', debGen(1)],
  ['apk', apkGen(2)],
  ['rpm', rpmGen(3)],
  ['npm', npmGen(4)],
  ['pypi', pypiGen(5)],
  ['golang', goGen(6)],
  ['maven', mavenGen(7)],
  ['composer', composerGen(8)],
];

for (const [eco, gen] of cases) {
  test(`properties: ${eco} order is antisymmetric and transitive on random versions`, () => {
    const c = getComparator(eco);
    const vs: string[] = [];
    while (vs.length < 250) {
      const v = gen();
      try {
        c.compare(v, v);
        vs.push(v);
      } catch {
        // versions the comparator refuses are not part of the order
      }
    }
    for (const a of vs) {
      assert.equal(c.compare(a, a), 0, `${a} == ${a}`);
      for (const b of vs) assert.equal(c.compare(a, b), -c.compare(b, a) || 0, `${a} vs ${b}`);
    }
    const sorted = [...vs].sort((a, b) => c.compare(a, b));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        assert.ok(c.compare(sorted[i]!, sorted[j]!) <= 0, `not transitive: ${sorted[i]} > ${sorted[j]} after sorting`);
      }
    }
  });
}
