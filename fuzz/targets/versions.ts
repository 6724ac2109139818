import fc from 'fast-check';
import { getComparator, supportedEcosystems, VersionSyntaxError } from '../../src/vulndb/version/index.js';
import { InvalidSpecifierError } from '../../src/vulndb/version/pep440.js';
import { defineTarget } from '../harness.js';

const PARTS = ['0', '1', '2', '9', '10', '01', '007', '1a', 'a', 'b', 'rc', 'rc1', 'alpha', 'beta', 'pre', 'post', 'dev', 'final', 'ga', 'sp', 'SNAPSHOT', 'v', 'p', 'r', 'git', 'svn', 'cvs', 'z', '~', '~~', '+', '-', '.', '..', ':', '_', '^', '*', 'x', 'X', '!', 'beta.2', '-r1', '_p1', '_rc2', '_git2024', '1:', '2!', '+local.7', '-0.20240101000000-abcdefabcdef', '.post1', '.dev0', 'u'];
const version = fc.oneof({ weight: 8, arbitrary: fc.array(fc.constantFrom(...PARTS), { minLength: 1, maxLength: 7 }).map((a) => a.join('')) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

type Input = { eco: string; a: string; b: string; c: string };

/**
 * Properties of every version comparator, on random versions: compare(a, a) = 0; antisymmetry
 * sign(compare(a, b)) = -sign(compare(b, a)); transitivity of <= over three versions; results in {-1, 0, 1}.
 * A version the comparator rejects (VersionSyntaxError) is skipped.
 */
export default defineTarget<Input>({
  name: 'versions',
  about: 'the version comparators of every ecosystem (deb, apk, rpm, npm, pypi, golang, maven, gem, cargo, composer): reflexivity, antisymmetry, transitivity',
  input: () => fc.record({ eco: fc.constantFrom(...supportedEcosystems()), a: version, b: version, c: version }),
  run({ eco, a, b, c }) {
    const cmp = getComparator(eco).compare;
    const r = (x: string, y: string) => {
      const v = cmp(x, y);
      if (v !== -1 && v !== 0 && v !== 1) throw new Error(`${eco}: compare(${x}, ${y}) = ${v}, not -1/0/1`);
      return v;
    };
    let ab: number, ba: number, bc: number, ac: number;
    try {
      if (r(a, a) !== 0) throw new Error(`${eco}: compare(${a}, ${a}) != 0`);
      ab = r(a, b);
      ba = r(b, a);
      bc = r(b, c);
      ac = r(a, c);
    } catch (e) {
      if (e instanceof VersionSyntaxError || e instanceof InvalidSpecifierError) return;
      throw e;
    }
    if (sign(ab) !== -sign(ba)) throw new Error(`${eco}: not antisymmetric: ${a} vs ${b} = ${ab}, ${b} vs ${a} = ${ba}`);
    if (ab <= 0 && bc <= 0 && ac > 0) throw new Error(`${eco}: not transitive: ${a} <= ${b} <= ${c} but ${a} > ${c}`);
    if (ab >= 0 && bc >= 0 && ac < 0) throw new Error(`${eco}: not transitive: ${a} >= ${b} >= ${c} but ${a} < ${c}`);
    if (ab === 0 && bc === 0 && ac !== 0) throw new Error(`${eco}: equality not transitive: ${a} = ${b} = ${c} but ${a} != ${c}`);
  },
  expected: () => false,
  encode: (i) => i,
  decode: (j) => j as Input,
});
