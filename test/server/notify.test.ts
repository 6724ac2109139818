/**
 * Notifications end to end, against a real server and real webhook receivers (HTTP listeners in this test):
 * a database update that adds the openssl 3.3.2-r1 fix (CVE-2024-9143) notifies the two images holding
 * libssl3/libcrypto3 3.3.2-r0; the delivery is HMAC-signed, fails once (HTTP 500) and is retried with the
 * same delivery id; a receiver that always fails is dead-lettered after the configured attempts; the
 * notifications page and acknowledge; the update that takes the fix away again notifies 'removed'.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { call, startServer, tokensFile, TOKENS, waitFor, type TestServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';
import { VulnStore } from '../../src/vulndb/index.js';
import { ALPINE_ROOTFS, craftImage, SECDB, secdbWithoutOpensslFix } from './helpers.js';

interface Received {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  answered: number;
}

/** A webhook receiver answering with `codes` in turn (the last one repeats). */
async function receiver(codes: number[]): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const answered = codes[Math.min(got.length, codes.length - 1)]!;
      got.push({ at: Date.now(), headers: req.headers, body, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' });
      res.end(answered < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, got, server };
}

const SECRET = 'webhook-secret-for-the-test-0123';
const OTHER_SECRET = 'the-other-receivers-secret-4567';
const work = tempDir('bw-notify-');
const allow = join(work, 'allow');
mkdirSync(allow);
const rootfs = join(allow, 'alpine.tar.gz');
copyFileSync(ALPINE_ROOTFS, rootfs);
let srv: TestServer;
let good: Awaited<ReturnType<typeof receiver>>;
let bad: Awaited<ReturnType<typeof receiver>>;

async function update(sources: string[]): Promise<any> {
  const r = await call(srv.url, 'POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources } });
  assert.equal(r.status, 202, r.text);
  return waitFor(async () => {
    const u = await call(srv.url, 'GET', `/api/v1/db/updates/${r.body.id}`, { token: TOKENS.read });
    if (u.body.state === 'failed') assert.fail(`update failed: ${u.body.error}`);
    return u.body.state === 'done' ? u.body : undefined;
  }, 'the database update');
}

before(async () => {
  good = await receiver([500, 200]);
  bad = await receiver([503]);
  writeFileSync(join(work, 'secret'), `${SECRET}\n`);
  srv = await startServer([
    '--allow-path', allow, '--tokens', tokensFile(work), '--cache-dir', join(work, 'cache'), '--rate-limit', '0', '-q',
    '--notify-severity', 'unknown', '--webhook', good.url, '--webhook-secret-file', join(work, 'secret'),
    '--webhook-attempts', '3', '--webhook-backoff', '300ms',
  ]);
});

after(async () => {
  await srv?.stop();
  good?.server.close();
  bad?.server.close();
});

test('a database update notifies the images that gained a vulnerability; webhooks are signed, retried, dead-lettered', async () => {
  const hook = await call(srv.url, 'POST', '/api/v1/webhooks', { token: TOKENS.admin, json: { url: bad.url, secret: OTHER_SECRET } });
  assert.equal(hook.status, 201, hook.text);
  assert.equal(hook.body.secret, undefined, 'the secret is never returned');
  assert.equal((await call(srv.url, 'POST', '/api/v1/webhooks', { token: TOKENS.write, json: { url: bad.url, secret: OTHER_SECRET } })).status, 403);

  // the first database sets the baseline silently
  const first = await update([secdbWithoutOpensslFix(work)]);
  assert.equal(first.notifications, 0);
  const digests: string[] = [];
  for (const ref of [`rootfs:${rootfs}`, craftImage(allow, 7)]) {
    const r = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } });
    assert.equal(r.status, 202, r.text);
    digests.push(r.body.digest);
  }
  for (const d of digests) {
    const v = await waitFor(async () => {
      const r = await call(srv.url, 'GET', `/api/v1/vulnerabilities/${d}`, { token: TOKENS.read });
      return r.status === 200 ? r : undefined;
    }, 'indexing');
    assert.ok(!v.body.findings.some((f: any) => f.ruleId === 'CVE-2024-9143'), 'not known to the first database');
  }

  // the fix appears in the feed: both images gained CVE-2024-9143 (libssl3 and libcrypto3)
  const t0 = Date.now();
  const second = await update([SECDB]);
  assert.equal(second.notifications, 4, JSON.stringify(second));
  assert.equal(second.affectedImages >= 2, true);
  // incremental (only the packages the change set names) when the database records its change set
  const recordsChanges = typeof (VulnStore.prototype as { changes?: unknown }).changes === 'function';
  assert.equal(second.detail?.mode, recordsChanges ? 'incremental' : 'full', JSON.stringify(second));

  const delivered = await waitFor(async () => (good.got.length >= 2 ? good.got : undefined), 'the retried delivery', 60_000);
  const [firstTry, retry] = delivered as [Received, Received];
  assert.equal(firstTry.answered, 500);
  assert.equal(retry.answered, 200);
  assert.equal(retry.headers['x-bulwark-delivery'], firstTry.headers['x-bulwark-delivery'], 'a retry keeps the delivery id');
  assert.ok(retry.at - firstTry.at >= 200, `retried after ${retry.at - firstTry.at} ms (backoff 300 ms, jitter 20%)`);
  for (const r of [firstTry, retry]) {
    assert.equal(r.headers['x-bulwark-signature'], `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
    assert.equal(r.headers['content-type'], 'application/json');
  }
  const body = JSON.parse(retry.body);
  assert.equal(body.delivery, retry.headers['x-bulwark-delivery']);
  assert.equal(body.update.id, second.id);
  assert.deepEqual(
    body.notifications.map((n: any) => `${n.reason} ${n.vulnerability.id} ${n.vulnerability.package.name}`).sort(),
    ['added CVE-2024-9143 libcrypto3', 'added CVE-2024-9143 libcrypto3', 'added CVE-2024-9143 libssl3', 'added CVE-2024-9143 libssl3'],
  );
  assert.deepEqual([...new Set(body.notifications.map((n: any) => n.digest))].sort(), [...digests].sort());
  assert.equal(body.notifications[0].vulnerability.fixedVersion, '3.3.2-r1');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(good.got.length, 2, 'delivered once it succeeded: no more attempts');

  // the receiver that always fails: 3 attempts, then a dead letter
  const dead = await waitFor(async () => {
    const r = await call(srv.url, 'GET', '/api/v1/webhooks/deliveries?state=dead', { token: TOKENS.admin });
    return r.body.deliveries.length ? r.body.deliveries : undefined;
  }, 'the dead letter', 60_000);
  assert.equal(dead[0].attempts, 3);
  assert.equal(dead[0].lastStatus, 503);
  assert.equal(bad.got.length, 3);
  assert.equal(bad.got[0]!.headers['x-bulwark-signature'], `sha256=${createHmac('sha256', OTHER_SECRET).update(bad.got[0]!.body).digest('hex')}`);
  assert.ok(Date.now() - t0 < 60_000);

  // the same notifications, paged and acknowledged
  const p1 = await call(srv.url, 'GET', '/api/v1/notifications?page_size=3', { token: TOKENS.read });
  assert.equal(p1.body.notifications.length, 3);
  assert.ok(p1.body.next);
  const p2 = await call(srv.url, 'GET', `/api/v1/notifications?page_size=3&next=${p1.body.next}`, { token: TOKENS.read });
  assert.equal(p2.body.notifications.length, 1);
  assert.equal(p2.body.next, undefined);
  const ids = p1.body.notifications.slice(0, 2).map((n: any) => n.id);
  assert.equal((await call(srv.url, 'POST', '/api/v1/notifications/ack', { token: TOKENS.read, json: { ids } })).status, 403);
  const ack = await call(srv.url, 'POST', '/api/v1/notifications/ack', { token: TOKENS.write, json: { ids } });
  assert.equal(ack.body.acknowledged, 2);
  const open = await call(srv.url, 'GET', '/api/v1/notifications?unacknowledged=true', { token: TOKENS.read });
  assert.equal(open.body.notifications.length, 2);
  assert.ok(open.body.notifications.every((n: any) => !ids.includes(n.id)));

  // the fix disappears again: 'removed'
  const third = await update([secdbWithoutOpensslFix(work)]);
  assert.equal(third.notifications, 4);
  const removed = await call(srv.url, 'GET', '/api/v1/notifications?page_size=100', { token: TOKENS.read });
  assert.deepEqual(removed.body.notifications.filter((n: any) => n.update === third.id).map((n: any) => n.reason), ['removed', 'removed', 'removed', 'removed']);

  // an update that changes nothing notifies nothing
  const fourth = await update([secdbWithoutOpensslFix(work)]);
  assert.equal(fourth.notifications, 0);
});
