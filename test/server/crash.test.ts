/**
 * kill -9 of a real server process in the middle of an index job and in the middle of a database update.
 * After a restart on the same cache dir: the job is run again and finishes (attempt 2), no half-written
 * index is ever served (202 until the complete one is there), the interrupted update is recorded as failed,
 * the previous vulnerability database keeps answering with the same findings, and a new update succeeds.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { call, startServer, tokensFile, TOKENS, waitFor, type Res, type TestServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';
import { craftImage, SECDB } from './helpers.js';

const work = tempDir('bw-crash-');
const allow = join(work, 'allow');
mkdirSync(allow);
const cache = join(work, 'cache');
const tokens = tokensFile(work);
const args = ['--allow-path', allow, '--tokens', tokens, '--cache-dir', cache, '--rate-limit', '0', '-q'];
let srv: TestServer | undefined;
let stall: Server | undefined;

after(async () => {
  await srv?.stop();
  stall?.closeAllConnections();
  stall?.close();
});

async function vulns(digest: string): Promise<any> {
  return waitFor(async () => {
    const r = await call(srv!.url, 'GET', `/api/v1/vulnerabilities/${digest}`, { token: TOKENS.read });
    if (r.status === 422) assert.fail(r.text);
    return r.status === 200 ? r.body : undefined;
  }, `vulnerabilities of ${digest}`);
}

test('kill -9 during an index job: after a restart the job runs again and finishes; nothing partial is served', async () => {
  srv = await startServer(args);
  const upd = await call(srv.url, 'POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources: [SECDB] } });
  await waitFor(async () => ((await call(srv!.url, 'GET', `/api/v1/db/updates/${upd.body.id}`, { token: TOKENS.read })).body.state === 'done' ? true : undefined), 'update');

  // a job is caught while running (the task process is still starting or walking); if it wins the race, try another image
  let caught: { digest: string; job: string } | undefined;
  for (let n = 100; n < 104 && !caught; n++) {
    const ref = craftImage(allow, n, { extraBytes: 8 * 1024 * 1024 });
    const r: Res = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } });
    assert.equal(r.status, 202, r.text);
    const state = await waitFor(async () => {
      const j = await call(srv!.url, 'GET', `/api/v1/jobs/${r.body.job}`, { token: TOKENS.read });
      return j.body.state === 'queued' ? undefined : j.body.state;
    }, 'the job to start', 60_000);
    const idx = await call(srv.url, 'GET', `/api/v1/index/${r.body.digest}`, { token: TOKENS.read });
    if (state === 'running' && idx.status === 202) {
      await srv.kill9();
      caught = { digest: r.body.digest, job: r.body.job };
    }
  }
  assert.ok(caught, 'no job was caught running');

  srv = await startServer(args);
  const early = await call(srv.url, 'GET', `/api/v1/index/${caught.digest}`, { token: TOKENS.read });
  assert.ok([200, 202].includes(early.status), early.text);
  if (early.status === 200) assert.equal(early.body.index.inventory.packages.length, 14, 'a served index is complete');
  const v = await vulns(caught.digest);
  assert.ok(v.findings.some((f: any) => f.ruleId === 'CVE-2024-9143'));
  const job = await call(srv.url, 'GET', `/api/v1/jobs/${caught.job}`, { token: TOKENS.read });
  assert.equal(job.body.state, 'done');
  assert.equal(job.body.attempts, 2, 'claimed again after the crash');
  const idx = await call(srv.url, 'GET', `/api/v1/index/${caught.digest}`, { token: TOKENS.read });
  assert.equal(idx.body.index.inventory.packages.length, 14);
  assert.equal(idx.body.index.summary.layers.length, 2);
  await srv.stop();
  srv = undefined;
});

test('kill -9 during a database update: the previous database keeps answering, the update is marked failed, the next one works', async () => {
  srv = await startServer(args);
  const ref = craftImage(allow, 200);
  const r = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } });
  const before = await vulns(r.body.digest);
  assert.ok(before.findings.length > 0);

  // a feed server that sends half a document and then nothing
  let asked = false;
  stall = createServer((_req, res) => {
    asked = true;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
    res.write('{"apkurl": "x", "archs": ["x86_64"], "reponame": "main", "distroversion": "v3.20", "packages": [');
  });
  await new Promise<void>((res) => stall!.listen(0, '127.0.0.1', res));
  const feed = `http://127.0.0.1:${(stall.address() as { port: number }).port}/main.json`;
  const upd = await call(srv.url, 'POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources: [feed] } });
  assert.equal(upd.status, 202);
  await waitFor(async () => (asked ? true : undefined), 'the feed download to start', 60_000);
  await new Promise((res) => setTimeout(res, 300));
  await srv.kill9();

  srv = await startServer(args);
  const after = await vulns(r.body.digest);
  assert.deepEqual(after.findings, before.findings, 'the previous database answers');
  assert.equal(after.database.builtAt, before.database.builtAt);
  const u = await call(srv.url, 'GET', `/api/v1/db/updates/${upd.body.id}`, { token: TOKENS.read });
  assert.equal(u.body.state, 'failed');
  assert.match(u.body.error, /interrupted/);

  // the next update is not blocked by the dead one's lock and temp file
  const next = await call(srv.url, 'POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources: [SECDB] } });
  const done = await waitFor(async () => {
    const x = await call(srv!.url, 'GET', `/api/v1/db/updates/${next.body.id}`, { token: TOKENS.read });
    return x.body.state === 'running' ? undefined : x.body;
  }, 'the next update');
  assert.equal(done.state, 'done', JSON.stringify(done));
  assert.ok(!readdirSync(join(cache, 'db')).some((f) => f.startsWith('vuln.db.tmp-')), 'no temporary database left behind');
});
