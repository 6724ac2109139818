/**
 * Scale-out on a real PostgreSQL (a throw-away cluster made with initdb / pg_ctl): two `bulwark serve`
 * processes share it, 20 images are submitted to both at once (40 concurrent requests), and each image gets
 * one job, claimed once (FOR UPDATE SKIP LOCKED), indexed once; both servers take work, either can answer for
 * any image, and exactly one holds the notifier role.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { postgresBin, startPostgres, type TestPostgres } from '../support/postgres.js';
import { call, startServer, tokensFile, TOKENS, waitFor, type TestServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';
import { craftImage } from './helpers.js';

const skip = postgresBin() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';
const work = tempDir('bw-pg-test-');
const allow = join(work, 'allow');
mkdirSync(allow);
let db: TestPostgres | undefined;
const servers: TestServer[] = [];

before(async () => {
  if (skip) return;
  db = await startPostgres();
  const tokens = tokensFile(work);
  for (const name of ['a', 'b']) {
    servers.push(await startServer(['--database', db.url, '--allow-path', allow, '--tokens', tokens, '--cache-dir', join(work, `cache-${name}`), '--rate-limit', '0', '-q']));
  }
});

after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  db?.stop();
});

test('two servers on one PostgreSQL: 20 images submitted concurrently to both, each indexed exactly once', { skip, timeout: 15 * 60_000 }, async () => {
  const [a, b] = servers as [TestServer, TestServer];
  const refs = Array.from({ length: 20 }, (_, i) => craftImage(allow, i + 1));
  const answers = await Promise.all(
    refs.flatMap((ref) => [a, b].map((s) => call(s.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } }))),
  );
  for (const r of answers) assert.equal(r.status, 202, r.text);
  const byDigest = new Map<string, Set<string>>();
  for (const r of answers) (byDigest.get(r.body.digest) ?? byDigest.set(r.body.digest, new Set()).get(r.body.digest)!).add(r.body.job);
  assert.equal(byDigest.size, 20, 'twenty distinct images');
  for (const [digest, jobs] of byDigest) assert.equal(jobs.size, 1, `${digest}: both servers answered with the same job`);
  assert.equal(answers.filter((r) => r.body.created).length, 20, 'one of the two submissions of each image created the job');

  await waitFor(async () => {
    const r = await call(a.url, 'GET', '/api/v1/images?state=indexed&limit=100', { token: TOKENS.read });
    return r.body.images.length === 20 ? true : undefined;
  }, 'all twenty indexed', 10 * 60_000);

  const client = new pg.Client({ connectionString: db!.url });
  await client.connect();
  try {
    const perDigest = await client.query('SELECT digest, COUNT(*)::int AS jobs, MAX(attempts) AS attempts, MIN(state) AS state FROM jobs GROUP BY digest');
    assert.equal(perDigest.rows.length, 20);
    for (const row of perDigest.rows) assert.deepEqual([row.jobs, row.attempts, row.state], [1, 1, 'done'], row.digest);
    const nodes = await client.query('SELECT DISTINCT node FROM jobs');
    assert.equal(nodes.rows.length, 2, 'both servers indexed some of the images');
    const images = await client.query(`SELECT COUNT(*)::int AS n FROM images WHERE state = 'indexed' AND index_json IS NOT NULL`);
    assert.equal(images.rows[0].n, 20);
  } finally {
    await client.end();
  }

  // either server answers for any image
  const digest = [...byDigest.keys()][0]!;
  const fromA = await call(a.url, 'GET', `/api/v1/index/${digest}`, { token: TOKENS.read });
  const fromB = await call(b.url, 'GET', `/api/v1/index/${digest}`, { token: TOKENS.read });
  assert.equal(fromA.status, 200);
  assert.deepEqual(fromB.body, fromA.body);
  const roles = await Promise.all([a, b].map(async (s) => (await call(s.url, 'GET', '/readyz')).body.notifier));
  assert.deepEqual(roles.sort(), [false, true], 'one notifier');
  assert.equal((await call(a.url, 'GET', '/readyz')).body.store, 'postgres');
});
