/**
 * A short run of every fuzz target (the long runs are `npm run fuzz -- TARGET --runs N`, not part of the suite):
 * a fixed seed, so a failure here reproduces with `npm run fuzz -- TARGET --runs 100 --seed 17`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget } from '../../fuzz/runner.js';
import { TARGETS, loadTarget } from '../../fuzz/targets/index.js';

const RUNS = 100;

test('every fuzz target named in the issue is registered', () => {
  const names = TARGETS.map((t) => t.name);
  for (const n of ['tar', 'dockerfile', 'shell', 'compose', 'interpolate', 'dpkg', 'apk', 'rpm-header', 'rpm-bdb', 'rpm-sqlite', 'npm', 'python', 'golang', 'osv', 'secdb', 'debian', 'runargs', 'versions', 'emitters']) {
    assert.ok(names.includes(n), n);
  }
});

for (const { name } of TARGETS) {
  test(`fuzz smoke: ${name} (${RUNS} inputs)`, { timeout: 120_000 }, async () => {
    const t = await loadTarget(name);
    // a generous per-input bound here: the suite runs beside other work; the fuzz runs use 1 s
    const r = await fuzzTarget(t, { runs: RUNS, seed: 17, hangMs: 5000 });
    assert.equal(r.runs, RUNS);
    assert.deepEqual(
      r.failures.map((f) => `${f.kind}: ${f.error} @ ${f.where}`),
      [],
    );
  });
}
