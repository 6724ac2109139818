/**
 * Version comparison throughput per ecosystem: the comparisons the vulnerability matcher makes.
 *   warm:  1,000 versions compared pairwise again and again (parse caches hot, as when one installed
 *          version is checked against many advisory bounds)
 *   cold:  every comparison on two versions never seen before (parse + compare)
 * Prints compares/second and ns/compare. Run: npx tsx bench/versions.ts
 */
import { performance } from 'node:perf_hooks';
import { getComparator } from '../src/vulndb/version/index.js';
import { apkGen, debGen, goGen, mavenGen, npmGen, pypiGen, rpmGen, type Gen } from '../test/vulndb/version/random.js';

const gens: Array<[string, (seed: number) => Gen]> = [
  ['deb', debGen],
  ['apk', apkGen],
  ['rpm', rpmGen],
  ['npm', npmGen],
  ['pypi', pypiGen],
  ['golang', goGen],
  ['maven', mavenGen],
];

function corpus(eco: string, gen: Gen, n: number): string[] {
  const c = getComparator(eco);
  const out: string[] = [];
  while (out.length < n) {
    const v = gen();
    try {
      c.compare(v, v);
      out.push(v);
    } catch {
      // skip versions the comparator refuses
    }
  }
  return out;
}

console.log(`${'ecosystem'.padEnd(10)} ${'warm compares/s'.padStart(16)} ${'ns/op'.padStart(8)} ${'cold compares/s'.padStart(16)} ${'ns/op'.padStart(8)}`);
for (const [eco, mk] of gens) {
  const c = getComparator(eco);
  const warm = corpus(eco, mk(1), 1000);
  // make the versions fresh strings for the cold run (distinct from everything parsed before)
  const coldA = corpus(eco, mk(2), 60000).map((v) => (' ' + v).slice(1));
  const coldB = corpus(eco, mk(3), 60000).map((v) => (' ' + v).slice(1));

  let sink = 0;
  const WARM_OPS = 1_000_000;
  let t0 = performance.now();
  for (let i = 0; i < WARM_OPS; i++) sink += c.compare(warm[i % 1000]!, warm[(i * 7 + 13) % 1000]!);
  const warmMs = performance.now() - t0;

  t0 = performance.now();
  for (let i = 0; i < coldA.length; i++) sink += c.compare(coldA[i]!, coldB[i]!);
  const coldMs = performance.now() - t0;

  const w = WARM_OPS / (warmMs / 1000);
  const k = coldA.length / (coldMs / 1000);
  console.log(`${eco.padEnd(10)} ${Math.round(w).toLocaleString('en').padStart(16)} ${((warmMs * 1e6) / WARM_OPS).toFixed(0).padStart(8)} ${Math.round(k).toLocaleString('en').padStart(16)} ${((coldMs * 1e6) / coldA.length).toFixed(0).padStart(8)}${sink === 0.5 ? '' : ''}`);
}
