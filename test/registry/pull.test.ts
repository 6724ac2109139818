/**
 * Reading images from real registries (Debian's docker-registry, distribution 2.8) on 127.0.0.1:
 *  - TLS from a test CA (--ca-cert, certs.d) + htpasswd (config.json auths, a credential helper,
 *    --username/--password-stdin); a bearer-token registry; a plain-HTTP one (--insecure-registry only);
 *  - inventory and findings equal those of the same image's OCI layout on disk;
 *  - a warm rescan transfers only the manifest; digests, indexes and --platform; sbom; bare names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { ALPINE_IMAGE, dockerAvailable, ensureAlpineImage } from '../support/images.js';
import { PASSWORD, USER, haveRegistryTools, pushTwoPlatformIndex, makePki, skopeoCopy, startRegistry, startTokenService, type Pki, type RunningRegistry, type TokenService } from './support/registries.js';
import { openRegistryImage, registryDetails } from '../../src/sources/registry.js';
import { scanImage, lastScanStats } from '../../src/image/scan.js';
import { packageDetectors } from '../../src/app/analyzers.js';
import { RegistryClient } from '../../src/registry/client.js';

const SECDB = new URL('../fixtures/vulndb/alpine/v3.20/main.json', import.meta.url).pathname;
const CLI = new URL('./support/run-cli.ts', import.meta.url).pathname;
const skip = haveRegistryTools() ?? (dockerAvailable() ? undefined : 'no Docker engine');

let pki: Pki;
let good: RunningRegistry;
let plain: RunningRegistry;
let bearer: RunningRegistry;
let tokens: TokenService;
let layout: string;
let dockerConfig: string;
let cache: string;
const env = { ...process.env };

function setEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

function writeDockerConfig(dir: string, doc: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(doc));
}

before(async () => {
  if (skip) return;
  ensureAlpineImage();
  pki = makePki();
  tokens = await startTokenService(pki);
  [good, plain, bearer] = await Promise.all([
    startRegistry({ tls: { cert: pki.good.cert, key: pki.good.key }, htpasswd: true }),
    startRegistry({ deletes: true }),
    startRegistry({ tls: { cert: pki.good.cert, key: pki.good.key }, token: tokens }),
  ]);
  // the image once as a gzip-compressed OCI layout on disk, then pushed from that layout (same blobs)
  layout = join(tempDir('bw-reg-layout-'), 'oci');
  await skopeoCopy(`docker-daemon:${ALPINE_IMAGE}`, `oci:${layout}:app`, ['--dest-compress']);
  const certDir = tempDir('bw-reg-certdir-');
  copyFileSync(pki.caCert, join(certDir, 'ca.crt'));
  await skopeoCopy(`oci:${layout}:app`, `docker://${good.addr}/team/app:1`, ['--dest-cert-dir', certDir, '--dest-creds', `${USER}:${PASSWORD}`]);
  await skopeoCopy(`oci:${layout}:app`, `docker://${bearer.addr}/team/app:1`, ['--dest-cert-dir', certDir, '--dest-creds', `${USER}:${PASSWORD}`]);
  await skopeoCopy(`oci:${layout}:app`, `docker://${plain.addr}/app:1`, ['--dest-tls-verify=false']);
  dockerConfig = tempDir('bw-reg-dockercfg-');
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  writeDockerConfig(dockerConfig, { auths: { [good.addr]: { auth }, [`https://${bearer.addr}`]: { auth } } });
  cache = tempDir('bw-reg-cache-');
  const upd = await runCli(['db', 'update', '--cache-dir', cache, '--source', SECDB]);
  assert.equal(upd.code, 0, upd.stderr);
});

after(async () => {
  setEnv({ DOCKER_CONFIG: env.DOCKER_CONFIG, PATH: env.PATH });
  await Promise.all([good?.stop(), plain?.stop(), bearer?.stop(), tokens?.stop()]);
});

/** Findings without what names the target (image name, fingerprint derived from it). */
function comparable(rep: any): unknown {
  return {
    packages: rep.packages,
    // BW-IMAGE-004 judges the reference's tag, which differs by construction (oci:DIR:app vs HOST/team/app:1)
    findings: rep.findings.filter((f: any) => f.location.field !== 'repoTags').map((f: any) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message.replaceAll(rep.targets[0].name, 'IMAGE'), path: f.location.path, field: f.location.field, layer: f.location.layerDigest })).sort((a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    layers: rep.summary.layers,
    id: rep.summary.id,
  };
}

test('TLS + htpasswd registry: inventory and findings equal the OCI layout on disk', { skip }, async () => {
  setEnv({ DOCKER_CONFIG: dockerConfig });
  const disk = await runCli(['image', `oci:${layout}:app`, '--cache-dir', cache, '-f', 'json']);
  assert.equal(disk.code, 0, disk.stderr);
  // a separate layer cache, so the registry path really streams every layer
  const regCache = tempDir('bw-reg-cache2-');
  copyDb(cache, regCache);
  const reg = await runCli(['image', `${good.addr}/team/app:1`, '--ca-cert', pki.caCert, '--cache-dir', regCache, '-f', 'json']);
  assert.equal(reg.code, 0, reg.stderr);
  const a = JSON.parse(disk.stdout);
  const b = JSON.parse(reg.stdout);
  assert.ok(b.packages.length >= 14, 'apk packages found');
  assert.ok(b.findings.some((f: any) => f.vulnerability), 'vulnerabilities matched');
  assert.deepEqual(comparable(b), comparable(a));
  assert.equal(b.summary.kind, 'registry');
  assert.equal(b.summary.source.kind, 'registry');
  assert.match(b.summary.source.digest, /^sha256:[a-f0-9]{64}$/);

  // the same without --ca-cert: a clear refusal, exit 2
  const untrusted = await runCli(['image', `${good.addr}/team/app:1`, '--cache-dir', regCache, '--no-vulns']);
  assert.equal(untrusted.code, 2);
  assert.match(untrusted.stderr, /signed by an unknown CA.*--ca-cert/);
  assert.doesNotMatch(untrusted.stderr, /\n\s+at /);

  // no credentials: a clear refusal naming docker login / --username
  setEnv({ DOCKER_CONFIG: tempDir('bw-reg-nocfg-') });
  const anon = await runCli(['image', `${good.addr}/team/app:1`, '--ca-cert', pki.caCert, '--cache-dir', regCache, '--no-vulns']);
  assert.equal(anon.code, 2);
  assert.match(anon.stderr, /requires a login .*docker login/);
});

function copyDb(from: string, to: string): void {
  mkdirSync(join(to, 'db'), { recursive: true });
  for (const f of readdirSync(join(from, 'db'))) copyFileSync(join(from, 'db', f), join(to, 'db', f));
}

test('--username with --password-stdin, in a separate process', { skip }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'sbom', `${good.addr}/team/app:1`, '--ca-cert', pki.caCert, '--username', USER, '--password-stdin', '--no-cache', '-f', 'json'], {
    input: `${PASSWORD}\n`,
    encoding: 'utf8',
    env: { ...process.env, DOCKER_CONFIG: tempDir('bw-reg-nocfg-') },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.ok(rep.packages.some((p: any) => p.name === 'musl'));
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(PASSWORD), 'the password never appears');

  const wrong = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'sbom', `${good.addr}/team/app:1`, '--ca-cert', pki.caCert, '--username', USER, '--password-stdin', '--no-cache'], {
    input: 'not-the-password\n',
    encoding: 'utf8',
    env: { ...process.env, DOCKER_CONFIG: tempDir('bw-reg-nocfg-') },
    timeout: 120_000,
  });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /refused the credentials/);
  assert.doesNotMatch(wrong.stderr, /not-the-password/);
});

test('credentials from docker-credential helpers (credHelpers, then credsStore), CA from certs.d', { skip }, async () => {
  const bin = tempDir('bw-reg-helper-');
  // a helper speaking the docker-credential protocol: server URL on stdin, JSON on stdout
  writeFileSync(
    join(bin, 'docker-credential-bwtest'),
    `#!/bin/sh\n[ "$1" = get ] || exit 1\nread url\nif [ "$url" = "${good.addr}" ]; then printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$url"; else echo "credentials not found in native keychain"; exit 1; fi\n`,
  );
  chmodSync(join(bin, 'docker-credential-bwtest'), 0o755);
  const cfg = tempDir('bw-reg-helpercfg-');
  writeDockerConfig(cfg, { credHelpers: { [good.addr]: 'bwtest' } });
  const certsDir = tempDir('bw-reg-certsd-');
  mkdirSync(join(certsDir, good.addr));
  copyFileSync(pki.caCert, join(certsDir, good.addr, 'ca.crt'));
  setEnv({ PATH: `${bin}:${env.PATH}` });
  try {
    const img = await openRegistryImage(`${good.addr}/team/app:1`, { registry: { certsDir, credentials: { dockerConfigDir: cfg } } });
    try {
      assert.equal(img.kind, 'registry');
      assert.equal(img.layers.length, 1);
      const d = registryDetails(img)!;
      assert.equal(d.reference.repository, 'team/app');
    } finally {
      await img.close();
    }
    // credsStore: the default helper for every registry, through the CLI and $DOCKER_CONFIG; a credHelpers entry
    // for the host still wins over it (here one that has nothing: the registry refuses anonymous pulls)
    const storeCfg = tempDir('bw-reg-storecfg-');
    writeDockerConfig(storeCfg, { credsStore: 'bwtest' });
    setEnv({ DOCKER_CONFIG: storeCfg });
    const viaStore = await runCli(['sbom', `${good.addr}/team/app:1`, '--ca-cert', pki.caCert, '--no-cache', '-f', 'json']);
    assert.equal(viaStore.code, 0, viaStore.stderr);
    assert.ok(JSON.parse(viaStore.stdout).packages.length >= 14);
    writeFileSync(join(bin, 'docker-credential-bwnone'), '#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n');
    chmodSync(join(bin, 'docker-credential-bwnone'), 0o755);
    writeDockerConfig(storeCfg, { credsStore: 'bwtest', credHelpers: { [good.addr]: 'bwnone' } });
    const helperFirst = await runCli(['sbom', `${good.addr}/team/app:1`, '--ca-cert', pki.caCert, '--no-cache', '-f', 'json']);
    assert.equal(helperFirst.code, 2, helperFirst.stdout);
    assert.doesNotMatch(helperFirst.stderr, new RegExp(PASSWORD));
  } finally {
    setEnv({ PATH: env.PATH, DOCKER_CONFIG: dockerConfig });
  }
});

test('bearer token registry: the Www-Authenticate challenge is answered with a token', { skip }, async () => {
  setEnv({ DOCKER_CONFIG: dockerConfig });
  const before = tokens.issued;
  const r = await runCli(['sbom', `${bearer.addr}/team/app:1`, '--ca-cert', pki.caCert, '--no-cache', '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).packages.length >= 14);
  assert.ok(tokens.issued > before, 'tokens were issued');
  setEnv({ DOCKER_CONFIG: tempDir('bw-reg-nocfg-') });
  const anon = await runCli(['sbom', `${bearer.addr}/team/app:1`, '--ca-cert', pki.caCert, '--no-cache']);
  assert.equal(anon.code, 2);
  assert.match(anon.stderr, /token service .*anonymous access was refused/);
});

test('plain HTTP only with --insecure-registry; docker push to it; a warm rescan transfers only the manifest', { skip }, async () => {
  setEnv({ DOCKER_CONFIG: tempDir('bw-reg-nocfg-') });
  const no = await runCli(['image', `${plain.addr}/app:1`, '--no-vulns', '--no-cache']);
  assert.equal(no.code, 2);
  assert.match(no.stderr, /does not speak TLS.*--insecure-registry/);

  // docker push: dockerd trusts loopback registries over HTTP
  const tag = `${plain.addr}/pushed/alpine:bw`;
  execFileSync('docker', ['tag', ALPINE_IMAGE, tag]);
  try {
    execFileSync('docker', ['push', tag], { stdio: 'ignore', timeout: 120_000 });
  } finally {
    execFileSync('docker', ['rmi', tag], { stdio: 'ignore' });
  }
  const pushed = await runCli(['image', tag, '--insecure-registry', plain.addr, '--no-vulns', '--no-cache', '-f', 'json']);
  assert.equal(pushed.code, 0, pushed.stderr);
  assert.equal(JSON.parse(pushed.stdout).packages.length, 14);

  // warm rescan: the API, to count what crossed the wire
  const c = tempDir('bw-reg-warm-');
  const scanOnce = async () => {
    const img = await openRegistryImage(`${plain.addr}/app:1`, { tmpDir: c, registry: { insecureRegistries: [plain.addr] } });
    try {
      const scan = await scanImage(img, [...packageDetectors], { cacheDir: c });
      return { stats: structuredClone(registryDetails(img)!.client.stats), streamed: lastScanStats.layersStreamed, cached: lastScanStats.layersFromCache, files: scan.final.size };
    } finally {
      await img.close();
    }
  };
  const cold = await scanOnce();
  assert.equal(cold.streamed, 1);
  assert.ok(cold.stats.byKind.blob!.bytesIn > 1_000_000, 'the layer came over the wire');
  const warm = await scanOnce();
  assert.equal(warm.streamed, 0);
  assert.equal(warm.cached, 1);
  assert.equal(warm.files, cold.files);
  assert.deepEqual(Object.keys(warm.stats.byKind), ['manifest'], JSON.stringify(warm.stats));
  assert.equal(warm.stats.requests, 1);
  assert.equal(warm.stats.failedAttempts, 1, "docker's order: HTTPS is tried first for an insecure registry");
  assert.ok(warm.stats.bytesIn < 4096, `only the manifest: ${warm.stats.bytesIn} bytes`);
});

test('references by digest, an index with --platform, and nothing left open', { skip }, async () => {
  const client = new RegistryClient(plain.addr, { insecureRegistries: [plain.addr] });
  try {
    const m = await client.manifest('app', '1');
    assert.equal(m.doc.kind, 'manifest');
    const { index: indexDigest } = await pushTwoPlatformIndex(client, 'app', '1', 'multi');

    const byDigest = await runCli(['image', `${plain.addr}/app@${m.digest}`, '--insecure-registry', plain.addr, '--no-vulns', '--no-cache', '-f', 'json']);
    assert.equal(byDigest.code, 0, byDigest.stderr);
    assert.equal(JSON.parse(byDigest.stdout).summary.source.digest, m.digest);

    const amd = await runCli(['image', `${plain.addr}/app:multi`, '--insecure-registry', plain.addr, '--no-vulns', '--no-cache', '-f', 'json']);
    assert.equal(amd.code, 0, amd.stderr);
    assert.equal(JSON.parse(amd.stdout).summary.platform, 'linux/amd64');
    assert.equal(JSON.parse(amd.stdout).summary.source.digest, indexDigest, 'the report names the digest the tag points to');
    const armRep = await runCli(['image', `${plain.addr}/app:multi`, '--platform', 'linux/arm64', '--insecure-registry', plain.addr, '--no-vulns', '--no-cache', '-f', 'json']);
    assert.equal(armRep.code, 0, armRep.stderr);
    assert.equal(JSON.parse(armRep.stdout).summary.platform, 'linux/arm64/v8');
    const none = await runCli(['image', `${plain.addr}/app:multi`, '--platform', 'linux/s390x', '--insecure-registry', plain.addr, '--no-vulns', '--no-cache']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no image for platform linux\/s390x \(available: linux\/amd64, linux\/arm64\/v8\)/);
    const missing = await runCli(['image', `${plain.addr}/app:nope`, '--insecure-registry', plain.addr, '--no-vulns', '--no-cache']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /manifest app:nope: not found on/);
  } finally {
    client.close();
  }
});

test('bare names: the local engine answers first, the report says so; otherwise the registry is asked', { skip }, async () => {
  const local = await runCli(['image', ALPINE_IMAGE, '--no-vulns', '--no-cache', '-f', 'json']);
  assert.equal(local.code, 0, local.stderr);
  const rep = JSON.parse(local.stdout);
  assert.equal(rep.summary.source.kind, 'docker-daemon');
  assert.equal(rep.summary.source.resolvedAs, `docker:${ALPINE_IMAGE}`);
  const text = await runCli(['image', ALPINE_IMAGE, '--no-vulns', '--no-cache']);
  assert.match(text.stdout, /Source: +local Docker engine, as docker:bulwark-test\/alpine:3\.20\.3/);

  // not in the engine: the registry it implies (Docker Hub, unreachable from here) is asked, and the
  // error says both
  const remote = await runCli(['image', 'bulwark-test/no-such-image:0', '--no-vulns', '--no-cache', '--registry-timeout', '5']);
  assert.equal(remote.code, 2);
  assert.match(remote.stderr, /not in the local engine .*no image 'bulwark-test\/no-such-image:0'.*registry/);
  assert.doesNotMatch(remote.stderr, /\n\s+at /);
});
