import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

it('docs/rules/build.md matches the rule registry', () => {
  const repo = join(import.meta.dirname, '..', '..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-rule-docs.ts', '--check'], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
