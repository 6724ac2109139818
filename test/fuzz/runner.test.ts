/**
 * The fuzz harness itself: inputs are reproducible from the seed, and the input a worker was running when it hung
 * or died is recovered from the generator checkpoints it published (nothing is copied per input).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKPOINT, SHARED_BYTES, encodeInput, fuzzTarget, recoverInput } from '../../fuzz/runner.js';
import { loadTarget } from '../../fuzz/targets/index.js';
import type { FuzzTarget } from '../../fuzz/harness.js';

/** the target with its run wrapped so that the inputs it was given are recorded */
function recording<T>(t: FuzzTarget<T>, seen: unknown[]): FuzzTarget<T> {
  return { ...t, run: (input: T) => (seen.push(encodeInput(t, input)), t.run(input)) };
}

test('the same seed gives the same inputs; another seed others', async () => {
  const t = await loadTarget('versions');
  const a: unknown[] = [];
  const b: unknown[] = [];
  const c: unknown[] = [];
  await fuzzTarget(recording(t, a), { runs: 50, seed: 3 });
  await fuzzTarget(recording(t, b), { runs: 50, seed: 3 });
  await fuzzTarget(recording(t, c), { runs: 50, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

for (const name of ['versions', 'dpkg']) {
  test(`the running input is recovered from the shared checkpoint (${name}, past one checkpoint)`, async () => {
    const t = await loadTarget(name);
    const seen: unknown[] = [];
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    const runs = CHECKPOINT + 37;
    const r = await fuzzTarget(recording(t, seen), { runs, seed: 11, shared, hangMs: 60_000 });
    assert.equal(r.runs, runs);
    assert.deepEqual(await recoverInput(name, shared), seen[runs - 1]);
    assert.notDeepEqual(seen[runs - 1], seen[runs - 2]);
  });
}

test('a worker that never started has no input to recover', async () => {
  assert.equal(await recoverInput('versions', new SharedArrayBuffer(SHARED_BYTES)), undefined);
});
