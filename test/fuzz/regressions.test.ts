/**
 * Every failure the fuzzers found, replayed: fuzz/regressions/<target>-<n>.json holds the input (as written by
 * `npm run fuzz` to fuzz/out/) and the error it caused. Each must now be handled: no exception other than the
 * target's documented refusal of bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeInput } from '../../fuzz/runner.js';
import { isUserError } from '../../fuzz/harness.js';
import { loadTarget } from '../../fuzz/targets/index.js';

const DIR = new URL('../../fuzz/regressions/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

test('the regression corpus is not empty', () => assert.ok(files.length > 0));

for (const file of files) {
  const rec = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as { target: string; kind: string; error: string; input: unknown };
  test(`fuzz regression ${file}: ${rec.error.slice(0, 80)}`, async () => {
    const t = await loadTarget(rec.target);
    const input = decodeInput(t, rec.input);
    const expected = t.expected ?? isUserError;
    try {
      await t.run(input);
    } catch (e) {
      assert.ok(expected(e), `${rec.target}: ${(e as Error).stack}`);
    }
  });
}
