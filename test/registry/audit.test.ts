/**
 * `bulwark registry` against real docker-registry instances (distribution 2.8) configured here:
 *   good:      TLS from the test CA, htpasswd, deletes off            -> nothing above info
 *   bad:       plain HTTP, anonymous push, deletes on, a Server header -> every weakness
 *   basic:     plain HTTP with htpasswd                               -> credentials in clear
 *   expired:   TLS with an expired certificate from the CA            -> expired
 *   weak:      TLS 1.0 allowed, RC4 and CBC suites, self-signed for another name, expiring in 10 days
 * The push probe must leave nothing behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { ALPINE_IMAGE, dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { PASSWORD, USER, haveRegistryTools, makePki, skopeoCopy, startRegistry, type Pki, type RunningRegistry } from './support/registries.js';
import { severityRank } from '../../src/core/finding.js';

const skip = haveRegistryTools() ?? (dockerAvailable() ? undefined : 'no Docker engine');
let pki: Pki;
let good: RunningRegistry;
let bad: RunningRegistry;
let basic: RunningRegistry;
let expired: RunningRegistry;
let weak: RunningRegistry;
let authCfg: string;
const prevDockerConfig = process.env.DOCKER_CONFIG;

before(async () => {
  if (skip) return;
  ensureAlpineImage();
  pki = makePki();
  [good, bad, basic, expired, weak] = await Promise.all([
    startRegistry({ tls: { cert: pki.good.cert, key: pki.good.key }, htpasswd: true, deletes: false }),
    startRegistry({ deletes: true, headers: { Server: ['Nexus/3.14.0-04 (OSS)'] } }),
    startRegistry({ htpasswd: true }),
    startRegistry({ tls: { cert: pki.expired.cert, key: pki.expired.key } }),
    startRegistry({ tls: { cert: pki.weak.cert, key: pki.weak.key, minimumtls: 'tls1.0', ciphersuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA'] } }),
  ]);
  await skopeoCopy(`docker-daemon:${ALPINE_IMAGE}`, `docker://${bad.addr}/library/app:1`, ['--dest-tls-verify=false']);
  const certDir = tempDir('bw-audit-certdir-');
  copyFileSync(pki.caCert, join(certDir, 'ca.crt'));
  await skopeoCopy(`docker-daemon:${ALPINE_IMAGE}`, `docker://${good.addr}/team/app:1`, ['--dest-cert-dir', certDir, '--dest-creds', `${USER}:${PASSWORD}`]);
  authCfg = tempDir('bw-audit-cfg-');
  mkdirSync(authCfg, { recursive: true });
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  writeFileSync(join(authCfg, 'config.json'), JSON.stringify({ auths: { [good.addr]: { auth } } }));
  process.env.DOCKER_CONFIG = tempDir('bw-audit-nocfg-');
});

after(async () => {
  if (prevDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = prevDockerConfig;
  await Promise.all([good, bad, basic, expired, weak].map((r) => r?.stop()));
});

async function audit(addr: string, extra: string[] = []) {
  const r = await runCli(['registry', addr, '-f', 'json', ...extra]);
  assert.ok(r.code === 0, `exit ${r.code}: ${r.stderr}`);
  const rep = JSON.parse(r.stdout);
  return { rep, ids: [...new Set(rep.findings.map((f: any) => f.ruleId as string))].sort() as string[] };
}

/** Every file under the storage dir except the upload scratch area, with sizes. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${p.slice(root.length)}:${statSync(p).size}`);
    }
  };
  walk(root);
  return out.sort();
}

test('the good registry (TLS from a trusted CA, htpasswd, deletes off) gets nothing above info', { skip }, async () => {
  process.env.DOCKER_CONFIG = authCfg;
  try {
    const { rep } = await audit(good.addr, ['--ca-cert', pki.caCert]);
    const above = rep.findings.filter((f: any) => severityRank(f.severity) > severityRank('info'));
    assert.deepEqual(above, [], JSON.stringify(above, null, 1));
    const ev = rep.summary.registry;
    assert.equal(ev.scheme, 'https');
    assert.deepEqual(ev.tls.oldProtocols, []);
    assert.deepEqual(ev.tls.weakCiphers, []);
    assert.equal(ev.tls.cert.verifyError, null);
    assert.equal(ev.ping.challenge.scheme, 'basic');
    assert.equal(ev.anonymous.catalog.status, 401);
    assert.equal(ev.anonymous.push.status, 401);
    assert.equal(ev.authenticated.delete.status, 405, 'deletes off: UNSUPPORTED');
    assert.equal(ev.anonymous.pull.status, 401, 'the repository came from the authenticated catalog');
  } finally {
    process.env.DOCKER_CONFIG = tempDir('bw-audit-nocfg-');
  }
});

test('the good registry seen by a client that does not trust its CA, or by another name', { skip }, async () => {
  const untrusted = await audit(good.addr);
  assert.deepEqual(untrusted.ids, ['BW-REGISTRY-005']);
  const byName = await audit(`localhost:${good.port}`, ['--ca-cert', pki.caCert]);
  assert.deepEqual(byName.ids, ['BW-REGISTRY-006']);
  assert.match(byName.rep.findings[0].message, /valid for IP Address:127\.0\.0\.1|valid for 127\.0\.0\.1/);
});

test('every weakness of the bad registry is reported, and the push probe leaves nothing behind', { skip }, async () => {
  const before = snapshot(bad.storage);
  const { rep, ids } = await audit(bad.addr);
  assert.deepEqual(ids, ['BW-REGISTRY-001', 'BW-REGISTRY-008', 'BW-REGISTRY-009', 'BW-REGISTRY-010', 'BW-REGISTRY-012', 'BW-REGISTRY-013']);
  const by = (id: string) => rep.findings.find((f: any) => f.ruleId === id);
  assert.equal(by('BW-REGISTRY-010').severity, 'critical');
  assert.equal(by('BW-REGISTRY-012').severity, 'high', 'anonymous clients may ask for deletes');
  assert.match(by('BW-REGISTRY-013').message, /Sonatype Nexus Repository 3\.14\.0-04 .*CVE-2019-7238/);
  assert.equal(by('BW-REGISTRY-013').severity, 'critical');
  assert.ok(by('BW-REGISTRY-013').references.includes('CVE-2024-4956'));
  for (const f of rep.findings) {
    assert.equal(f.stage, 'registry');
    assert.equal(f.location.path, `http://${bad.addr}/v2/`);
  }
  assert.equal(rep.summary.registry.anonymous.push.cancelled, true);
  // nothing committed: no blob, no layer link, no manifest, no tag, no repository (the upload area aside)
  const after = snapshot(bad.storage);
  assert.deepEqual(after.filter((p) => !p.includes('/_uploads/')), before.filter((p) => !p.includes('/_uploads/')));
  assert.ok(!after.some((p) => p.includes('/_uploads/') && /\/data:/.test(p)), 'the upload data was removed');
  const cat = await runCli(['registry', bad.addr, '-f', 'json']);
  assert.deepEqual(JSON.parse(cat.stdout).summary.registry.anonymous.catalog.repositories, ['library/app']);
  // the gate
  const gate = await runCli(['registry', bad.addr, '--severity', 'high', '--exit-code', '4']);
  assert.equal(gate.code, 4);
});

test('basic auth over plain HTTP', { skip }, async () => {
  const { ids, rep } = await audit(basic.addr);
  assert.deepEqual(ids, ['BW-REGISTRY-001', 'BW-REGISTRY-011']);
  assert.match(rep.findings.find((f: any) => f.ruleId === 'BW-REGISTRY-011').message, /Basic authentication over plain HTTP/);
  assert.ok(rep.warnings.some((w: string) => /deletes not evaluated/.test(w)), 'what could not be probed is said');
});

test('an expired certificate (third port)', { skip }, async () => {
  const { ids, rep } = await audit(expired.addr, ['--ca-cert', pki.caCert]);
  assert.ok(ids.includes('BW-REGISTRY-004'), ids.join());
  assert.ok(!ids.includes('BW-REGISTRY-005'), 'expiry is not reported twice');
  assert.match(rep.findings.find((f: any) => f.ruleId === 'BW-REGISTRY-004').message, /expired on \d{4}-\d\d-\d\d/);
});

test('old protocols, weak suites, a self-signed certificate for another name, expiring soon', { skip }, async () => {
  const { ids, rep } = await audit(weak.addr);
  for (const id of ['BW-REGISTRY-002', 'BW-REGISTRY-003', 'BW-REGISTRY-005', 'BW-REGISTRY-006', 'BW-REGISTRY-007']) assert.ok(ids.includes(id), `${id} in ${ids.join()}`);
  const ciphers = rep.findings.find((f: any) => f.ruleId === 'BW-REGISTRY-003');
  assert.equal(ciphers.severity, 'high', 'RC4');
  assert.match(ciphers.message, /TLS_ECDHE_ECDSA_WITH_RC4_128_SHA/);
  assert.match(ciphers.message, /TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA/);
  assert.deepEqual(rep.summary.registry.tls.oldProtocols, ['TLSv1.0', 'TLSv1.1']);
  assert.match(rep.findings.find((f: any) => f.ruleId === 'BW-REGISTRY-005').message, /self-signed/);
  assert.match(rep.findings.find((f: any) => f.ruleId === 'BW-REGISTRY-007').message, /in (9|10) days/);
});

test('not a registry, nothing listening, bad addresses: clear errors, exit 2', async () => {
  const refused = await runCli(['registry', '127.0.0.1:1']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /cannot connect to 127\.0\.0\.1:1: connection refused/);
  const badAddr = await runCli(['registry', 'not a host']);
  assert.equal(badAddr.code, 2);
  assert.match(badAddr.stderr, /is not a registry address/);
});
