/**
 * core/gc.ts: `capYoungGeneration` stops the young generation growing past 8 MiB of new space at run time, where
 * V8 would grow it to 32 MiB, and `collectGarbage` works without --expose-gc. Each case runs in a fresh process
 * (V8 flags are process-wide), on the same allocation pattern as a walk: survivors that pile up, then are dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const MiB = 1024 * 1024;

function newSpaceAfterChurn(cap: boolean): number {
  const src = new URL('../../src/core/gc.ts', import.meta.url).href;
  const code = `
const { capYoungGeneration, collectGarbage } = await import(${JSON.stringify(src)});
const { getHeapSpaceStatistics } = await import('node:v8');
let keep = [];
for (let i = 0; i < 3e6; i++) {
  keep.push({ a: i, b: 'x' + i });
  if (keep.length > 200000) keep = [];
  if (${cap} && (i & 511) === 0) capYoungGeneration();
}
collectGarbage();
console.log(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('capYoungGeneration holds the new space at 8 MiB where V8 grows it further', () => {
  const free = newSpaceAfterChurn(false);
  const capped = newSpaceAfterChurn(true);
  assert.ok(free > 8 * MiB, `without the cap the new space grows (${free / MiB} MiB)`);
  assert.ok(capped <= 8 * MiB, `with the cap it stays at 8 MiB or less (${capped / MiB} MiB)`);
});
