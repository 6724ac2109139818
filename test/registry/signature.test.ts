/**
 * cosign key-based verification against a real registry: signatures made here in cosign's exact format
 * with the pinned test key (test/fixtures/registry/cosign), pushed through the registry API. Cases: valid,
 * tampered payload, wrong key, unsigned, a genuine signature for another digest, and the gate.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { ALPINE_IMAGE, dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { haveRegistryTools, skopeoCopy, startRegistry, type RunningRegistry } from './support/registries.js';
import { KEYS, OTHER_PUB, TEST_PUB, pushSignature, simpleSigningPayload } from './support/cosign.js';
import { RegistryClient } from '../../src/registry/client.js';
import { checkSignature, signatureTag } from '../../src/registry/cosign.js';

const skip = haveRegistryTools() ?? (dockerAvailable() ? undefined : 'no Docker engine');
let reg: RunningRegistry;
let client: RegistryClient;
const digests: Record<string, string> = {};

before(async () => {
  if (skip) return;
  ensureAlpineImage();
  reg = await startRegistry({});
  client = new RegistryClient(reg.addr, { insecureRegistries: [reg.addr], anonymous: true });
  for (const repo of ['signed', 'tampered', 'otherkey', 'unsigned', 'moved']) {
    await skopeoCopy(`docker-daemon:${ALPINE_IMAGE}`, `docker://${reg.addr}/${repo}:1`, ['--dest-tls-verify=false']);
    digests[repo] = (await client.manifest(repo, '1')).digest;
  }
  await pushSignature(client, 'signed', digests.signed!);
  // the payload altered after signing (the digest it names swapped for another)
  await pushSignature(client, 'tampered', digests.tampered!, { tamper: (p) => Buffer.from(p.toString().replace(digests.tampered!, `sha256:${'0'.repeat(64)}`)) });
  await pushSignature(client, 'otherkey', digests.otherkey!, { keyFile: `${KEYS}other.key` });
  // a genuine signature with the right key, but for a digest the tag no longer points to
  await pushSignature(client, 'moved', digests.moved!, { payload: simpleSigningPayload(`${reg.addr}/moved`, `sha256:${'1'.repeat(64)}`) });
});

after(async () => {
  client?.close();
  await reg?.stop();
});

async function verify(repo: string, extra: string[] = []) {
  const r = await runCli(['image', `${reg.addr}/${repo}:1`, '--insecure-registry', reg.addr, '--key', TEST_PUB, '--no-vulns', '--no-checks', '--no-cache', '-f', 'json', ...extra]);
  const rep = r.stdout ? JSON.parse(r.stdout) : undefined;
  return { ...r, rep, ids: (rep?.findings ?? []).map((f: any) => f.ruleId) as string[] };
}

test('the payload is byte-for-byte what cosign signs (252 bytes for the published reference trace)', () => {
  // the trace in test/fixtures/registry/cosign/README.md: a 252-byte simple-signing layer for this reference
  const p = simpleSigningPayload('index.docker.io/chihjenhuang/cosign1', 'sha256:4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d');
  assert.equal(p.length, 252);
  assert.equal(signatureTag('sha256:4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d'), 'sha256-4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d.sig');
});

test('valid signature: no signature finding; the summary says signed', { skip }, async () => {
  const r = await verify('signed', ['--require-signature']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.rep.summary.signature.status, 'valid');
  assert.deepEqual(r.ids.filter((i) => i.startsWith('BW-REGISTRY-02')), []);
});

test('tampered payload: invalid (high), gate fails', { skip }, async () => {
  const r = await verify('tampered', ['--require-signature']);
  assert.equal(r.code, 1);
  assert.equal(r.rep.summary.signature.status, 'invalid');
  const f = r.rep.findings.find((x: any) => x.ruleId === 'BW-REGISTRY-021');
  assert.ok(f, JSON.stringify(r.ids));
  assert.equal(f.severity, 'high');
  assert.equal(f.stage, 'registry');
  assert.match(f.message, /does not verify with the given key/);
});

test('signed with another key: invalid with this key, valid with that one', { skip }, async () => {
  const r = await verify('otherkey');
  assert.equal(r.code, 0, 'no gate without --require-signature');
  assert.ok(r.ids.includes('BW-REGISTRY-021'));
  const ok = await runCli(['image', `${reg.addr}/otherkey:1`, '--insecure-registry', reg.addr, '--key', OTHER_PUB, '--require-signature', '--no-vulns', '--no-checks', '--no-cache', '-f', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).summary.signature.status, 'valid');
});

test('unsigned: medium, high with --require-signature, and the gate honours --exit-code', { skip }, async () => {
  const soft = await verify('unsigned');
  assert.equal(soft.code, 0);
  const f = soft.rep.findings.find((x: any) => x.ruleId === 'BW-REGISTRY-020');
  assert.equal(f.severity, 'medium');
  assert.match(f.message, new RegExp(`no cosign signature \\(no unsigned:${signatureTag(digests.unsigned!).replace(/\./g, '\\.')}\\)`));
  const hard = await verify('unsigned', ['--require-signature', '--exit-code', '7']);
  assert.equal(hard.code, 7);
  assert.equal(hard.rep.findings.find((x: any) => x.ruleId === 'BW-REGISTRY-020').severity, 'high');
  // filtering the finding away does not open the gate
  const filtered = await verify('unsigned', ['--require-signature', '--severity', 'critical']);
  assert.equal(filtered.code, 1);
});

test('a genuine signature for another digest: digest mismatch', { skip }, async () => {
  const r = await verify('moved', ['--require-signature']);
  assert.equal(r.code, 1);
  assert.equal(r.rep.summary.signature.status, 'digest-mismatch');
  const f = r.rep.findings.find((x: any) => x.ruleId === 'BW-REGISTRY-022');
  assert.match(f.message, new RegExp(`for sha256:1{64}, not ${digests.moved}`));
});

test('images not read from a registry cannot be verified: the gate fails with the reason', { skip }, async () => {
  const r = await runCli(['image', `docker:${ALPINE_IMAGE}`, '--key', TEST_PUB, '--require-signature', '--no-vulns', '--no-checks', '--no-cache', '-f', 'json']);
  assert.equal(r.code, 1);
  assert.match(JSON.parse(r.stdout).summary.signature.message, /read from docker-daemon, not from a registry/);
});

test('bad key files are refused before anything is downloaded', async () => {
  const dir = tempDir('bw-sig-');
  const missing = await runCli(['image', 'registry:127.0.0.1:1/x:1', '--key', `${dir}/nope.pub`]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--key .*nope\.pub: no such file/);
  const priv = await runCli(['image', 'registry:127.0.0.1:1/x:1', '--key', `${KEYS}test.key`]);
  assert.equal(priv.code, 2);
  assert.match(priv.stderr, /is a private key; give the public key/);
  const noKey = await runCli(['image', 'registry:127.0.0.1:1/x:1', '--require-signature']);
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /--require-signature needs --key/);
});

test('checkSignature unit cases: malformed payloads and types', () => {
  const key = createPublicKey(readFileSync(TEST_PUB));
  const d = `sha256:${'a'.repeat(64)}`;
  assert.equal(checkSignature(Buffer.from('{}'), undefined, key, d, 'l').status, 'malformed');
  assert.equal(checkSignature(Buffer.from('{}'), 'bm90IGEgc2lnbmF0dXJl', key, d, 'l').status, 'bad-signature');
});
