/**
 * The vulnerability match kept beside an image result (src/app/image-cache.ts, MatchCache in
 * src/vulndb/findings.ts): a rescan of an unchanged image against an unchanged database reuses the match and gives
 * the same report in every format; a new database (an update), another matching option or --no-cache matches
 * again; the staleness warning and VEX are applied on every run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runCli } from '../support/cli.js';

const FIXTURE = new URL('../fixtures/image/alpine-minirootfs-3.20.3-subset.tar.gz', import.meta.url).pathname;
const SECDB = new URL('../fixtures/vulndb/alpine/v3.20/main.json', import.meta.url).pathname;
const REF = `rootfs:${FIXTURE}`;

function matchFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.vulns.json.gz')) out.push(join(d, e.name));
    }
  };
  if (existsSync(join(dir, 'images'))) walk(join(dir, 'images'));
  return out;
}

/** rewrite the kept match: every finding of CVE-2024-9143 gets another message (a hit then shows it) */
function tamper(file: string): void {
  const doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  for (const f of doc.data.findings) if (f.ruleId === 'CVE-2024-9143') f.message = 'from the kept match';
  writeFileSync(file, gzipSync(JSON.stringify(doc)));
}

const vulnMessages = (stdout: string): string[] =>
  JSON.parse(stdout)
    .findings.filter((f: { ruleId: string }) => f.ruleId === 'CVE-2024-9143')
    .map((f: { message: string }) => f.message);

test('a rescan reuses the kept match, and the report is the same in json, sarif and table', async (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'bw-matchcache-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  assert.equal((await runCli(['db', 'update', '--cache-dir', cache, '--source', SECDB])).code, 0);
  for (const format of ['json', 'sarif', 'table']) {
    for (const f of matchFiles(cache)) rmSync(f);
    const cold = await runCli(['image', REF, '--cache-dir', cache, '-f', format]);
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(matchFiles(cache).length, 1, 'the match is kept beside the image result');
    const warm = await runCli(['image', REF, '--cache-dir', cache, '-f', format]);
    assert.equal(warm.stdout, cold.stdout, format);
    assert.equal(warm.stderr, cold.stderr, format);
  }
  // the rescan reads the kept match (a changed message shows through)...
  const [file] = matchFiles(cache);
  tamper(file!);
  const kept = await runCli(['image', REF, '--cache-dir', cache, '-f', 'json']);
  assert.ok(vulnMessages(kept.stdout).length > 0);
  assert.deepEqual(new Set(vulnMessages(kept.stdout)), new Set(['from the kept match']));
  // ...but not with another matching option, nor without the cache
  for (const extra of [['--ignore-unfixed'], ['--no-cache']]) {
    const other = await runCli(['image', REF, '--cache-dir', cache, '-f', 'json', ...extra]);
    assert.ok(vulnMessages(other.stdout).length > 0, extra.join(' '));
    assert.ok(!vulnMessages(other.stdout).includes('from the kept match'), extra.join(' '));
  }
});

test('an updated database is matched again', async (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'bw-matchcache-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  assert.equal((await runCli(['db', 'update', '--cache-dir', cache, '--source', SECDB])).code, 0);
  assert.equal((await runCli(['image', REF, '--cache-dir', cache, '-f', 'json'])).code, 0);
  tamper(matchFiles(cache)[0]!);
  assert.equal((await runCli(['db', 'update', '--cache-dir', cache, '--source', SECDB])).code, 0);
  const after = await runCli(['image', REF, '--cache-dir', cache, '-f', 'json']);
  assert.ok(vulnMessages(after.stdout).length > 0);
  assert.ok(!vulnMessages(after.stdout).includes('from the kept match'), 'the new database was matched');
  assert.equal(matchFiles(cache).length, 1, 'one kept match per image result: the new one replaced the old');
});
