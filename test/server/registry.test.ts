/**
 * `bulwark serve` reads registry references the way `bulwark image` does: a real docker-registry with TLS
 * from a test CA and a plain-HTTP one (Debian's distribution 2.8 on 127.0.0.1), images pushed with skopeo, a
 * real server process started with --ca-cert and --insecure-registry; `POST /api/v1/index` with
 * `127.0.0.1:PORT/repo:tag` answers the manifest digest and the vulnerabilities are read back. A server
 * without those options refuses both registries with a problem naming why.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, startServer, tokensFile, TOKENS, waitFor, type Res, type TestServer } from '../support/server.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { haveRegistryTools, makePki, pushTwoPlatformIndex, skopeoCopy, startRegistry, type Pki, type RunningRegistry } from '../registry/support/registries.js';
import { craftImage, SECDB } from './helpers.js';
import { RegistryClient } from '../../src/registry/client.js';

const missing = haveRegistryTools();
const work = tempDir('bw-serve-reg-');
let pki: Pki;
let tls: RunningRegistry | undefined;
let plain: RunningRegistry | undefined;
let srv: TestServer | undefined;
let bare: TestServer | undefined;

async function updateDb(s: TestServer): Promise<void> {
  const upd = await call(s.url, 'POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources: [SECDB] } });
  assert.equal(upd.status, 202, upd.text);
  await waitFor(async () => {
    const u = await call(s.url, 'GET', `/api/v1/db/updates/${upd.body.id}`, { token: TOKENS.read });
    if (u.body.state === 'failed') assert.fail(`update failed: ${u.body.error}`);
    return u.body.state === 'done' ? true : undefined;
  }, 'the database update');
}

async function vulnerabilities(s: TestServer, digest: string): Promise<Res> {
  return waitFor(async () => {
    const r = await call(s.url, 'GET', `/api/v1/vulnerabilities/${digest}`, { token: TOKENS.read });
    if (r.status === 422) assert.fail(`indexing failed: ${r.text}`);
    return r.status === 200 ? r : undefined;
  }, `vulnerabilities of ${digest}`);
}

describe('bulwark serve: registry references', { skip: missing }, () => {
  before(async () => {
    pki = makePki();
    [tls, plain] = await Promise.all([startRegistry({ tls: { cert: pki.good.cert, key: pki.good.key } }), startRegistry({})]);
    const certDir = join(work, 'certs');
    mkdirSync(certDir);
    copyFileSync(pki.caCert, join(certDir, 'ca.crt'));
    const images = join(work, 'images');
    mkdirSync(images);
    await skopeoCopy(`docker-archive:${craftImage(images, 1)}`, `docker://${tls.addr}/team/app:1`, ['--dest-cert-dir', certDir]);
    await skopeoCopy(`docker-archive:${craftImage(images, 2)}`, `docker://${plain.addr}/app:2`, ['--dest-tls-verify=false']);
    srv = await startServer(['--tokens', tokensFile(work), '--cache-dir', join(work, 'cache'), '--rate-limit', '0', '-q', '--ca-cert', pki.caCert, '--insecure-registry', plain.addr]);
    await updateDb(srv);
  });

  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0, srv.log().slice(-1000));
    await bare?.stop();
    await Promise.all([tls?.stop(), plain?.stop()]);
  });

  test('TLS from a test CA with --ca-cert: 202 with the manifest digest, then the vulnerabilities', async () => {
    const ref = `${tls!.addr}/team/app:1`;
    const r = await call(srv!.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } });
    assert.equal(r.status, 202, r.text);
    assert.match(r.body.digest, /^sha256:[a-f0-9]{64}$/);
    // the digest is the registry's manifest digest, as skopeo reads it with the same CA
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', '--cert-dir', join(work, 'certs'), `docker://${ref}`], { encoding: 'utf8', timeout: 60_000 }));
    assert.equal(r.body.digest, inspected.Digest);
    const v = await vulnerabilities(srv!, r.body.digest);
    assert.ok(Array.isArray(v.body.findings) && v.body.findings.length > 0, v.text.slice(0, 500));
    assert.ok(v.body.findings.some((f: any) => f.ruleId === 'CVE-2024-9143' && f.vulnerability.package.name === 'libssl3'), 'openssl CVE-2024-9143 in libssl3');
    const idx = await call(srv!.url, 'GET', `/api/v1/index/${r.body.digest}`, { token: TOKENS.read });
    assert.equal(idx.status, 200, idx.text);
    // the job indexed the manifest it identified, by digest; the name keeps the tag the user wrote
    assert.equal(idx.body.image.ref, `${tls!.addr}/team/app@${r.body.digest}`);
    assert.match(idx.body.image.name, /team\/app:1$/);
    // idempotent per manifest digest: a second submission creates nothing
    const again = await call(srv!.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } });
    assert.equal(again.status, 202);
    assert.equal(again.body.digest, r.body.digest);
    assert.equal(again.body.created, false);
  });

  test('plain HTTP only with --insecure-registry', async () => {
    const r = await call(srv!.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref: `${plain!.addr}/app:2` } });
    assert.equal(r.status, 202, r.text);
    const v = await vulnerabilities(srv!, r.body.digest);
    assert.ok(v.body.findings.some((f: any) => f.ruleId === 'CVE-2024-9143'));
  });

  test('a multi-platform index: each platform is its own image, keyed by its own manifest, indexed as asked', async () => {
    const client = new RegistryClient(plain!.addr, { insecureRegistries: [plain!.addr] });
    try {
      const { amd64, arm64: armDigest, index: indexDigest } = await pushTwoPlatformIndex(client, 'app', '2', 'multi');
      const m = { digest: amd64 };
      const ref = `${plain!.addr}/app:multi`;
      const amd = await call(srv!.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref } });
      assert.equal(amd.status, 202, amd.text);
      assert.equal(amd.body.digest, m.digest, 'the default platform (linux/amd64) manifest, not the index');
      const armRes = await call(srv!.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref, platform: 'linux/arm64/v8' } });
      assert.equal(armRes.status, 202, armRes.text);
      assert.equal(armRes.body.digest, armDigest);
      assert.notEqual(armRes.body.digest, indexDigest);
      // both are indexed (a job that indexed another platform would fail: "the image changed since it was submitted")
      for (const [digest, arch] of [[m.digest, 'linux/amd64'], [armDigest, 'linux/arm64/v8']] as const) {
        const v = await vulnerabilities(srv!, digest);
        assert.ok(v.body.findings.some((f: any) => f.ruleId === 'CVE-2024-9143'), arch);
        const idx = await call(srv!.url, 'GET', `/api/v1/index/${digest}`, { token: TOKENS.read });
        assert.equal(idx.status, 200, idx.text);
        assert.equal(idx.body.image.ref, `${plain!.addr}/app@${digest}`);
        assert.equal(JSON.stringify(idx.body).includes(arch), true, `${arch} in the index report`);
      }
    } finally {
      client.close();
    }
  });

  test('without --ca-cert and --insecure-registry both registries are refused with the reason (422 problem)', async () => {
    bare = await startServer(['--tokens', tokensFile(join(work)), '--cache-dir', join(work, 'cache-bare'), '--rate-limit', '0', '-q']);
    const t = await call(bare.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref: `${tls!.addr}/team/app:1` } });
    assert.equal(t.status, 422, t.text);
    assert.match(t.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.match(t.body.detail ?? t.body.title, /certificate|self[- ]signed|--ca-cert/i);
    const p = await call(bare.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref: `${plain!.addr}/app:2` } });
    assert.equal(p.status, 422, p.text);
    assert.doesNotMatch(p.text, /\n\s+at /);
  });

  test('a bad --ca-cert is a usage error before the server starts (exit 2, one line)', async () => {
    const notPem = join(work, 'not-a-cert.pem');
    writeFileSync(notPem, 'hello\n');
    for (const [file, why] of [[join(work, 'missing.pem'), /no such file/], [notPem, /not a PEM certificate/]] as const) {
      const r = await runCli(['serve', '--listen', '127.0.0.1:0', '--tokens', tokensFile(work), '--cache-dir', join(work, 'cache-bad'), '--ca-cert', file]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
